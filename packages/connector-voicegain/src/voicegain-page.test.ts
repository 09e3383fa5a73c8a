import { expect, test } from "vitest";
import { readCsvBody } from "./voicegain-page.ts";

const bodyOf = (text: string) =>
  (async function* () {
    yield Buffer.from(text);
  })();
const noPhase = "callId,startTime,endTime,duration\n10001,05-12-2024 6:15:45 PM,05-12-2024 6:20:45 PM,300\n";

test("window mode refuses a CSV page without a progressPhase column, naming it, instead of leaving every call out as unfinished", async () => {
  for (const raw of [true, false])
    await expect(
      readCsvBody(bodyOf(noPhase), "UTC", { lastStart: undefined }, { raw, onlyFinished: true }),
    ).rejects.toThrow(/no progressPhase column/);
  // The consecutive export does not judge phases: the same page is read.
  const page = await readCsvBody(bodyOf(noPhase), "UTC", { lastStart: undefined }, { raw: true });
  expect(page.calls).toBe(1);
});

test("reading a long CSV page gives the main thread back, so a sink's statements and batch preparation go on meanwhile", async () => {
  // Chunks an HTTP client has already buffered arrive as microtasks: without turns the whole page is read before
  // any other I/O callback (a database's statement completing) runs.
  const record = (callId: number) => `${callId},05-12-2024 6:15:45 PM,05-12-2024 6:20:45 PM,300\n`;
  const chunks = Array.from({ length: 400 }, (_, chunk) =>
    Buffer.from(Array.from({ length: 100 }, (_, index) => record(10_001 + chunk * 100 + index)).join("")),
  );
  const body = (async function* () {
    yield Buffer.from("callId,startTime,endTime,duration\n");
    yield* chunks;
  })();
  let turns = 0;
  let reading = true;
  const count = () => {
    if (!reading) return;
    turns += 1;
    setImmediate(count);
  };
  setImmediate(count);
  const page = await readCsvBody(body, "UTC", { lastStart: undefined }, { raw: true });
  reading = false;
  expect(page.calls).toBe(40_000);
  expect(turns).toBeGreaterThan(1);
});
