import { expect, test } from "vitest";
import { loadRecordFromRow } from "./internal-rows.ts";

test("load times read back in a warehouse's own spelling are given as Parley wrote them (milliseconds, Z)", () => {
  const row = {
    load_id: "load-1",
    source: "ultimate",
    started_at: "2026-12-01T04:45:38.36Z",
    finished_at: "2026-12-01 04:46:00+00",
    status: "succeeded",
    streams: [],
    error: null,
  };
  const record = loadRecordFromRow(row);
  expect(record.startedAt).toBe("2026-12-01T04:45:38.360Z");
  expect(record.finishedAt).toBe("2026-12-01T04:46:00.000Z");
  expect(loadRecordFromRow({ ...row, finished_at: null }).finishedAt).toBeNull();
});
