import type { StreamDefinition } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { expect, test } from "vitest";
import { useFreshSinks } from "./__fixtures__/postgres-schemas.ts";

const freshSink = useFreshSinks();

// The table's key would refuse the second row of a key: the batch must keep one, not fail on every retry.
test("a merge batch with one key written two ways (1n and 1, one instant in two zones) stores the last row", async () => {
  const { sink } = freshSink();
  const events = target({
    name: "events",
    writeDisposition: "merge",
    primaryKey: ["id", "at"],
    columns: [
      { name: "id", type: "integer" },
      { name: "at", type: "timestamp" },
      { name: "text", type: "string" },
    ],
  } satisfies StreamDefinition);
  await sink.prepare([events]);
  await sink.writeBatch(
    batch({
      target: events,
      rows: [
        { id: 1n, at: "2026-01-01T00:00:00Z", text: "first" },
        { id: 1, at: "2026-01-01T01:00:00+01:00", text: "last" },
      ],
    }),
  );
  expect(await sink.query(`SELECT id, text FROM ${events.table}`)).toEqual([{ id: 1, text: "last" }]);
});
