import { redact } from "../config/redactor.ts";

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

/** Structured logging; every line is redacted before it is written. */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (e.g. `{source: "ultimate"}`). */
  child(fields: LogFields): Logger;
}

export interface LoggerOptions {
  readonly format?: "text" | "json";
  readonly level?: LogLevel;
  /** Where lines go; defaults to stderr so stdout stays free for command output. */
  readonly write?: (line: string) => void;
  readonly now?: () => Date;
}

const levelRank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

function formatValue(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return /\s/.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value) ?? String(value);
}

export function createLogger(options: LoggerOptions = {}, baseFields: LogFields = {}): Logger {
  const format = options.format ?? "text";
  const threshold = levelRank[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const now = options.now ?? (() => new Date());
  const log = (level: LogLevel, message: string, fields: LogFields = {}): void => {
    if (levelRank[level] < threshold) return;
    const all = { ...baseFields, ...fields };
    let line: string;
    if (format === "json") {
      line = JSON.stringify({ time: now().toISOString(), level, message, ...all }, (_key, value: unknown) =>
        value instanceof Error ? value.message : typeof value === "bigint" ? value.toString() : value,
      );
    } else {
      const rest = Object.entries(all).map(([key, value]) => `${key}=${formatValue(value)}`);
      line = [level.toUpperCase().padEnd(5), message, ...rest].join(" ");
    }
    write(redact(line));
  };
  return {
    debug: (message, fields) => log("debug", message, fields),
    info: (message, fields) => log("info", message, fields),
    warn: (message, fields) => log("warn", message, fields),
    error: (message, fields) => log("error", message, fields),
    child: (fields) => createLogger(options, { ...baseFields, ...fields }),
  };
}

/** A logger that discards everything (library defaults, tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};
