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
