import type { Logger } from "@parley/core";
import type { SyncProgress } from "../engine/sync-engine.ts";
import { groupDigits } from "./digit-groups.ts";
import type { LiveRegion } from "./live-region.ts";

interface StreamFigures {
  records: number;
  rejects: number;
  bytes: number;
  pages: number;
  waitingUntil: number;
  waitReason: string;
  startedAt: number;
}

export interface ProgressDisplay {
  readonly onProgress: (event: SyncProgress) => void;
  stop(): void;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 ** 2) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}

function line(source: string, stream: string, figures: StreamFigures, now: number): string {
  const seconds = Math.max((now - figures.startedAt) / 1000, 0.001);
  const rate = Math.round(figures.records / seconds);
  const waiting =
    figures.waitingUntil > now
      ? `  waiting ${Math.ceil((figures.waitingUntil - now) / 1000)}s (${figures.waitReason})`
      : "";
  return `${source}/${stream}: ${groupDigits(figures.records)} records (${groupDigits(rate)}/s), ${figures.rejects} rejected, ${formatBytes(figures.bytes)}, ${figures.pages} pages${waiting}`;
}

/**
 * Shows a sync's progress: on a terminal, one live line per stream redrawn in place; elsewhere (CI,
 * cron, files) a plain line per stream every `intervalMs`, or structured log lines in JSON mode.
 */
export function createProgressDisplay(options: {
  readonly source: string;
  /** Where the live lines are drawn in tty mode; log lines printed through the same region stay visible. */
  readonly region: LiveRegion;
  readonly logger: Logger;
  readonly mode: "tty" | "lines" | "json";
  readonly intervalMs?: number;
}): ProgressDisplay {
  const figures = new Map<string, StreamFigures>();
  const figuresFor = (stream: string): StreamFigures => {
    let entry = figures.get(stream);
    if (entry === undefined) {
      entry = { records: 0, rejects: 0, bytes: 0, pages: 0, waitingUntil: 0, waitReason: "", startedAt: Date.now() };
      figures.set(stream, entry);
    }
    return entry;
  };
  const draw = (final: boolean): void => {
    const now = Date.now();
    if (options.mode === "tty") {
      options.region.update([...figures].map(([stream, entry]) => line(options.source, stream, entry, now)));
      if (final) options.region.release();
    } else if (!final || options.mode === "lines") {
      for (const [stream, entry] of figures) {
        if (options.mode === "json")
          options.logger.info("progress", {
            source: options.source,
            stream,
            records: entry.records,
            rejects: entry.rejects,
            bytes: entry.bytes,
            pages: entry.pages,
          });
        else options.logger.info(line(options.source, stream, entry, now));
      }
    }
  };
  const timer = setInterval(() => draw(false), options.intervalMs ?? (options.mode === "tty" ? 250 : 10_000));
  timer.unref();
  return {
    onProgress(event) {
      if (event.kind === "records") {
        const entry = figuresFor(event.stream);
        entry.records = event.records;
        entry.rejects = event.rejects;
      } else if (event.kind === "source") {
        const source = event.event;
        const entry = figuresFor(source.stream);
        if (source.kind === "page") {
          entry.pages += 1;
          entry.bytes += source.bytes ?? 0;
        } else if (source.kind === "bytes") entry.bytes += source.bytes;
        else if (source.kind === "waiting") {
          entry.waitingUntil = Date.now() + source.milliseconds;
          entry.waitReason = source.reason;
          if (options.mode !== "tty")
            options.logger.info(`waiting ${Math.ceil(source.milliseconds / 1000)}s: ${source.reason}`, {
              source: options.source,
              stream: source.stream,
            });
        } else options.logger.info(source.message, { source: options.source, stream: source.stream });
      }
    },
    stop() {
      clearInterval(timer);
      draw(true);
    },
  };
}
