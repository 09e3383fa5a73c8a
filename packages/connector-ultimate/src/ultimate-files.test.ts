import { mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, type RawRecords, rawRecordTexts, silentLogger } from "@parley/core";
import { afterEach, expect, test } from "vitest";
import { keysOf, readSource, startEmulator } from "./__fixtures__/ultimate-harness.ts";
import { createUltimateSource } from "./ultimate-source.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function folder(): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), "parley-ultimate-files-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  return directory;
}

test("local files: the same parser over files on disk (glob), the day from the file name, unchanged files skipped", async () => {
  const server = await startEmulator();
  cleanups.push(() => server.close());
  const directory = await folder();
  const botId = server.bots[0]?.id as string;
  await server.writeDayFile(botId, "2024-06-18", join(directory, `conversation_${botId}_20240618_000000000000.json`), {
    format: "array-pretty",
  });
  await server.writeDayFile(botId, "2024-06-19", join(directory, `conversation_${botId}_20240619_000000000000.json`), {
    format: "ndjson",
    version: "v2",
  });
  const settings = { files: [join(directory, "conversation_*.json")] };
  const first = await readSource(createUltimateSource(settings));
  const served = [...server.records(botId, "2024-06-18"), ...server.records(botId, "2024-06-19", { version: "v2" })];
  expect(keysOf(first.records)).toEqual(served.map((record) => `${botId}/${String(record.conversation_id)}`));
  expect(first.records.map((row) => row.export_date)).toEqual(
    served.map((record) => String(record.conversation_end_time).slice(0, 10)),
  );
  expect(first.records.every((row) => row.export_version === null)).toBe(true);
  expect(first.rejects).toEqual([]);
  const state = first.checkpoints.at(-1);
  expect(Object.keys((state as { files: object }).files)).toHaveLength(2);
  expect((await readSource(createUltimateSource(settings), { state })).records).toEqual([]);
  const changed = join(directory, `conversation_${botId}_20240618_000000000000.json`);
  await utimes(changed, new Date(), new Date(Date.now() + 5000));
  expect(
    (await readSource(createUltimateSource(settings), { state })).records.every(
      (row) => row.export_date === "2024-06-18",
    ),
  ).toBe(true);
});

test("local files: broken lines and unreadable counts become rejects with reasons; nothing else is lost", async () => {
  const directory = await folder();
  const path = join(directory, "export.ndjson");
  const good = {
    bot_id: "b1",
    conversation_id: "c1",
    conversation_end_time: "2024-06-18T23:59:59.000+00:00",
    bot_messages_count: "3",
  };
  await writeFile(
    path,
    [
      JSON.stringify(good),
      '{"bot_id": "b1", "conversation_id": broken',
      JSON.stringify({ ...good, conversation_id: "c2", bot_messages_count: "three" }),
      JSON.stringify({ ...good, conversation_id: "c3" }),
    ].join("\n"),
  );
  const result = await readSource(createUltimateSource({ files: path }));
  expect(keysOf(result.records)).toEqual(["b1/c1", "b1/c3"]);
  // Without a day in the file name, the export day is the UTC day the conversation ended.
  expect(result.records[0]?.export_date).toBe("2024-06-18");
  expect(result.rejects.map((reject) => reject.reason)).toEqual([
    expect.stringMatching(/export\.ndjson: not valid JSON/),
    expect.stringMatching(/export\.ndjson: field bot_messages_count: cannot read "three" as a whole-number count/),
  ]);
  expect(result.rejects[0]?.raw).toBe('{"bot_id": "b1", "conversation_id": broken');
});

test("local files: a pattern that matches nothing is a ConfigError naming the entry", async () => {
  const directory = await folder();
  const error = await readSource(
    createUltimateSource({ files: [join(directory, "*.json"), join(directory, "missing.json")] }),
  ).catch((caught: unknown) => caught);
  expect(ConfigError.isInstance(error)).toBe(true);
  expect((error as ConfigError).issues.map((issue) => issue.path)).toEqual(["files[0]", "files[1]"]);
});

test("local files: a file cut short fails the run naming the file, and is not marked read", async () => {
  const directory = await folder();
  const record = (id: string) =>
    JSON.stringify({ bot_id: "b1", conversation_id: id, conversation_end_time: "2024-06-18T23:59:59.000+00:00" });
  const array = join(directory, "array.json");
  await writeFile(array, `[${record("c1")},${record("c2")},`);
  const ndjson = join(directory, "lines.ndjson");
  await writeFile(ndjson, `${record("c1")}\n${record("c2").slice(0, 30)}`);
  for (const [path, problem] of [
    [array, "the JSON array ends without its closing ]"],
    [ndjson, "the last line breaks off inside a JSON value"],
  ] as const) {
    const error = await readSource(createUltimateSource({ files: path })).catch((caught: unknown) => caught);
    expect((error as Error).message).toContain(`${path}: ${problem} (the file was cut short)`);
  }
  await writeFile(array, `[${record("c1")},${record("c2")}]`);
  expect(keysOf((await readSource(createUltimateSource({ files: array }))).records)).toEqual(["b1/c1", "b1/c2"]);
});

async function severalMiB(directory: string): Promise<{ path: string; records: Record<string, string>[] }> {
  // Several MiB, so the file is read in pieces and records cross their ends.
  const records = Array.from({ length: 3000 }, (_, index) => ({
    bot_id: "b1",
    conversation_id: `c${index}`,
    conversation_end_time: "2024-06-18T23:59:59.000+00:00",
    bot_name: `${"x".repeat(index % 2000)}${index}`,
  }));
  const path = join(directory, "export.ndjson");
  await writeFile(path, records.map((record) => JSON.stringify(record)).join("\n"));
  return { path, records };
}

function rawContext(signal: AbortSignal) {
  return {
    state: new Map(),
    streams: new Set(["conversations"]),
    logger: silentLogger,
    signal,
    progress: () => undefined,
    now: () => new Date(),
    rawRecords: true,
  };
}

test("local files: a stopped run stops reading a file in the middle", async () => {
  const { path, records } = await severalMiB(await folder());
  const stop = new AbortController();
  let read = 0;
  const reading = (async () => {
    for await (const message of createUltimateSource({ files: [path] }).read(rawContext(stop.signal)))
      if (message.kind === "raw") {
        read += message.records.count;
        stop.abort();
      }
  })();
  await expect(reading).rejects.toThrow(/abort/i);
  expect(read).toBeGreaterThan(0);
  expect(read).toBeLessThan(records.length);
});

test("local files: records of a file read in many pieces keep their bytes while held (raw records and mapped ones)", async () => {
  const directory = await folder();
  const { path: ndjson, records } = await severalMiB(directory);
  const array = join(directory, "export.json");
  await writeFile(array, JSON.stringify(records));
  for (const path of [ndjson, array]) {
    const held: RawRecords[] = [];
    for await (const message of createUltimateSource({ files: [path] }).read(rawContext(new AbortController().signal)))
      if (message.kind === "raw") held.push(message.records);
    const texts = held.flatMap((records) => rawRecordTexts(records));
    expect(texts.map((text) => JSON.parse(text))).toEqual(records);
    const mapped = await readSource(createUltimateSource({ files: [path] }));
    expect(mapped.records.map((row) => row.bot_name)).toEqual(records.map((record) => record.bot_name));
  }
});

test("local files: the records of a small file hold on to about its size, not to a MiB each", async () => {
  const directory = await folder();
  const records = Array.from({ length: 20 }, (_, index) => ({ bot_id: "b1", conversation_id: `c${index}` }));
  const path = join(directory, "export.ndjson");
  await writeFile(path, records.map((record) => JSON.stringify(record)).join("\n"));
  const held = new Set<ArrayBufferLike>();
  for await (const message of createUltimateSource({ files: [path] }).read(rawContext(new AbortController().signal)))
    if (message.kind === "raw") held.add(message.records.bytes.buffer);
  const fileBytes = records.map((record) => JSON.stringify(record)).join("\n").length;
  expect([...held].reduce((sum, buffer) => sum + buffer.byteLength, 0)).toBeLessThanOrEqual(2 * fileBytes);
});
