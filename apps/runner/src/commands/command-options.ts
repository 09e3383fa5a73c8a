import { ConfigError } from "@parley/core/errors";

/** One command-line option: how it is parsed, shown in help, and which values it accepts. */
export interface OptionSpec {
  readonly type: "string" | "boolean";
  readonly short?: string;
  readonly multiple?: boolean;
  /** The value's placeholder in help, e.g. NAME. */
  readonly value?: string;
  readonly description: string;
  /** The only values accepted (checked before any command runs). */
  readonly choices?: readonly string[];
  /** Accepts a whole number in this range. */
  readonly integer?: { readonly min: number; readonly max: number };
}

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** What every command accepts. */
export const globalOptions = {
  config: { type: "string", short: "c", value: "FILE", description: "config file (default: parley.yaml)" },
  "log-format": {
    type: "string",
    value: "FORMAT",
    choices: ["text", "json"],
    description: "text (default) or json: one JSON object per log line on stderr",
  },
  help: { type: "boolean", short: "h", description: "this help" },
} as const satisfies OptionSpecs;

/** Refuses a value outside an option's choices or range, naming the option and what it accepts. */
export function checkOptionValues(specs: OptionSpecs, values: Readonly<Record<string, unknown>>): void {
  const issues: { path: string; message: string }[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    const given = values[name];
    if (given === undefined || typeof given === "boolean") continue;
    for (const value of Array.isArray(given) ? (given as string[]) : [given as string]) {
      if (spec.choices !== undefined && !spec.choices.includes(value))
        issues.push({ path: `--${name}`, message: `expected ${spec.choices.join(" or ")}, got "${value}"` });
      if (spec.integer !== undefined) {
        const number = Number(value);
        if (!/^-?\d+$/.test(value) || number < spec.integer.min || number > spec.integer.max)
          issues.push({
            path: `--${name}`,
            message: `expected a whole number from ${spec.integer.min} to ${spec.integer.max}, got "${value}"`,
          });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: "command line" });
}

/** Help lines for a set of options, aligned. */
export function describeOptions(specs: OptionSpecs): string {
  const rows = Object.entries(specs).map(([name, spec]) => {
    const flag = `${spec.short === undefined ? "    " : `-${spec.short}, `}--${name}${spec.value === undefined ? "" : ` ${spec.value}`}`;
    return [flag, `${spec.description}${spec.multiple === true ? " (repeatable)" : ""}`] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`).join("\n");
}
