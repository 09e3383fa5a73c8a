import { glob, open, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { ConfigError, ElementSplitter, type ReadContext, type SourceMessage } from "@parley/core";
import type { UltimateFilesConfig } from "./ultimate-config.ts";
import { UltimateFileError } from "./ultimate-file-error.ts";
import { elementMessage, streamName } from "./ultimate-messages.ts";
import { recordContext } from "./ultimate-records.ts";
import { type FilesState, filesStateSchema } from "./ultimate-state.ts";

const globCharacters = /[*?[\]{}]/;

/** Every file the `files` setting names, sorted and without repeats; an entry that matches nothing is a ConfigError. */
export async function expandFiles(config: UltimateFilesConfig): Promise<string[]> {
  const found = new Set<string>();
  const issues: { path: string; message: string }[] = [];
  for (const [index, pattern] of config.files.entries()) {
    const before = found.size;
    if (globCharacters.test(pattern)) {
      for await (const path of glob(pattern)) found.add(resolve(path));
    } else if ((await stat(pattern).catch(() => undefined))?.isFile() === true) {
      found.add(resolve(pattern));
    }
    if (found.size === before)
      issues.push({
        path: config.files.length === 1 ? "files" : `files[${index}]`,
        message: `"${pattern}" matches no file`,
      });
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: "Ultimate source settings" });
  return [...found].sort();
}

/** `conversation_<bot>_<YYYYMMDD>_000000000000.json` (seed 004) gives the file's export day. */
function exportDateOf(path: string): string | null {
  const match = /_(\d{4})(\d{2})(\d{2})_\d+\.json[a-z]*$/i.exec(path);
  return match === null ? null : `${match[1]}-${match[2]}-${match[3]}`;
}

/**
 * Local-files mode: the same parser over export files already on disk (fetched by other means).
 * A file whose size and modification time match the stored state is skipped; a checkpoint follows each file.
 */
export async function* readFromFiles(config: UltimateFilesConfig, context: ReadContext): AsyncGenerator<SourceMessage> {
  const stored = filesStateSchema.safeParse(context.state.get(streamName));
  const files: Record<string, string> = stored.success ? { ...stored.data.files } : {};
  for (const path of await expandFiles(config)) {
    const info = await stat(path);
    const signature = `${info.size}:${Math.trunc(info.mtimeMs)}`;
    if (files[path] === signature) continue;
    context.progress({ kind: "page", stream: streamName, detail: path });
    const fileContext = recordContext({ botId: undefined, exportDate: exportDateOf(path), exportVersion: null }, path);
    const raw = context.rawRecords === true;
    // Each read is new memory, never written again: records are views of it.
    const splitter = new ElementSplitter({ viewsOfChunks: true });
    for await (const chunk of fileChunks(path, info.size, context.signal)) {
      context.progress({ kind: "bytes", stream: streamName, bytes: chunk.length });
      const elements = raw ? splitter.pushRecords(chunk) : splitter.push(chunk);
      for (const element of elements) yield elementMessage(element, fileContext);
    }
    const cut = splitter.cutShort();
    if (cut !== undefined) throw new UltimateFileError(path, cut);
    for (const element of raw ? splitter.finishRecords() : splitter.finish())
      yield elementMessage(element, fileContext);
    files[path] = signature;
    yield { kind: "checkpoint", stream: streamName, state: { files: { ...files } } satisfies FilesState };
  }
  yield { kind: "checkpoint", stream: streamName, state: { files: { ...files } } satisfies FilesState };
}

/**
 * The file's bytes, a MiB at a time, each read into a buffer of its own that the splitter hands out views of (a read
 * stream's 64 KiB reads would make 16 times as many buffers and pieces). A buffer is no larger than what is left of
 * the file's `size`: a record holds on to its whole buffer, and a small file's records must not hold a MiB.
 */
async function* fileChunks(path: string, size: number, signal: AbortSignal): AsyncGenerator<Buffer> {
  const file = await open(path, "r");
  try {
    for (let read = 0; ; ) {
      signal.throwIfAborted();
      // Past `size` (the end, or a file that grew since its size was taken) in reads of 64 KiB.
      const buffer = Buffer.allocUnsafeSlow(read < size ? Math.min(1 << 20, size - read) : 1 << 16);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) return;
      read += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    await file.close();
  }
}
