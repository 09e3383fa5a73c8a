import { lineageColumns, type ValidatedRow } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { describe, expect, test } from "vitest";
import { dropSchema, freshSchemaName, testServer, textStream, useFreshSinks } from "./__fixtures__/postgres-schemas.ts";
import { postgresConfigSchema } from "./postgres-config.ts";
import { createPostgresDriver } from "./postgres-driver.ts";

const freshSink = useFreshSinks();
const texts = target(textStream, "texts");
const row = (id: string, text: string): ValidatedRow => ({ id, text, nested: { text } });

describe("merge of new keys straight into the table", () => {
  test("loads a batch of new keys with its lineage; refuses, changing nothing, a stored or repeated key", async () => {
    const schema = freshSchemaName();
    const driver = createPostgresDriver(postgresConfigSchema.parse({ ...testServer, schema }));
    try {
      await driver.ensureNamespace();
      await driver.createTable(texts.table, [...textStream.columns, ...lineageColumns], {
        primaryKey: ["id"],
        uniqueKey: true,
      });
      const insert = (rows: readonly ValidatedRow[], loadId: string) =>
        driver.transaction(async (transaction) =>
          transaction.insertNewRows?.({ target: texts, rows, loadId, loadedAt: "2026-01-02T03:04:05.000Z" }),
        );
      expect(await insert([row("a", "1"), row("b", "1")], "load-1")).toBe(true);
      expect(await insert([row("c", "2"), row("a", "2")], "load-2")).toBe(false);
      expect(await insert([row("d", "3"), row("d", "4")], "load-3")).toBe(false);
      expect(
        await driver.query(
          `SELECT id, text, nested, _parley_load_id, _parley_loaded_at FROM ${driver.table(texts.table)} ORDER BY id`,
        ),
      ).toEqual([
        {
          id: "a",
          text: "1",
          nested: { text: "1" },
          _parley_load_id: "load-1",
          _parley_loaded_at: "2026-01-02T03:04:05Z",
        },
        {
          id: "b",
          text: "1",
          nested: { text: "1" },
          _parley_load_id: "load-1",
          _parley_loaded_at: "2026-01-02T03:04:05Z",
        },
      ]);
    } finally {
      await driver.close();
      await dropSchema(schema);
    }
  });

  test("sends a batch whose sampled keys are stored to staging without copying any of it into the table", async () => {
    const schema = freshSchemaName();
    const driver = createPostgresDriver(postgresConfigSchema.parse({ ...testServer, schema }));
    try {
      await driver.ensureNamespace();
      await driver.createTable(texts.table, [...textStream.columns, ...lineageColumns], {
        primaryKey: ["id"],
        uniqueKey: true,
      });
      const loadedAt = "2026-01-02T03:04:05.000Z";
      await driver.transaction(async (transaction) =>
        transaction.insertNewRows?.({ target: texts, rows: [row("a", "1")], loadId: "load-1", loadedAt }),
      );
      const outcome = await driver.transaction(async (transaction) => {
        // Rows this connection wrote to the table, rolled back or not: a COPY that a stored key stopped counts here.
        const written = async () => {
          const sql = `SELECT pg_stat_get_xact_tuples_inserted('${schema}.texts'::regclass) AS n`;
          const [result] = (await transaction.query?.(sql)) ?? [];
          return Number(result?.n);
        };
        const before = await written();
        const rows = [row("b", "2"), row("c", "2"), row("a", "2")];
        const inserted = await transaction.insertNewRows?.({ target: texts, rows, loadId: "load-2", loadedAt });
        return { inserted, written: (await written()) - before };
      });
      expect(outcome).toEqual({ inserted: false, written: 0 });
    } finally {
      await driver.close();
      await dropSchema(schema);
    }
  });

  test("keeps the last row per key, within a batch and across batches, whichever way each batch goes", async () => {
    const { sink } = freshSink();
    await sink.prepare([texts]);
    await sink.writeBatch(batch({ target: texts, rows: [row("a", "1"), row("b", "1"), row("a", "2")], loadId: "l1" }));
    await sink.writeBatch(batch({ target: texts, rows: [row("c", "1")], loadId: "l2" }));
    await sink.writeBatch(batch({ target: texts, rows: [row("d", "1"), row("b", "3"), row("b", "4")], loadId: "l3" }));
    expect(await sink.query("SELECT id, text, _parley_load_id FROM texts ORDER BY id")).toEqual([
      { id: "a", text: "2", _parley_load_id: "l1" },
      { id: "b", text: "4", _parley_load_id: "l3" },
      { id: "c", text: "1", _parley_load_id: "l2" },
      { id: "d", text: "1", _parley_load_id: "l3" },
    ]);
  });

  // Tables made by hand, or by an older Parley: none of these indexes stops a COPY of a key already stored.
  const tablesWithoutTheKey = {
    "no unique key": "",
    "a unique key wider than the stream's": ", UNIQUE (id, text)",
    "a deferred unique key": ", UNIQUE (id) DEFERRABLE INITIALLY DEFERRED",
  };
  for (const [name, constraint] of Object.entries(tablesWithoutTheKey)) {
    test(`still replaces by key in a table with ${name}`, async () => {
      const { sink } = freshSink();
      await sink.execute(
        `CREATE TABLE texts (id text, text text, nested jsonb, _parley_load_id text, _parley_loaded_at timestamptz${constraint})`,
      );
      await sink.prepare([texts]);
      await sink.writeBatch(batch({ target: texts, rows: [row("a", "1"), row("b", "1")] }));
      await sink.writeBatch(batch({ target: texts, rows: [row("a", "2"), row("c", "2")] }));
      expect(await sink.query("SELECT id, text FROM texts ORDER BY id")).toEqual([
        { id: "a", text: "2" },
        { id: "b", text: "1" },
        { id: "c", text: "2" },
      ]);
    });
  }

  test("still replaces by key in a table with a partial unique index", async () => {
    const { sink } = freshSink();
    await sink.execute(
      "CREATE TABLE texts (id text, text text, nested jsonb, _parley_load_id text, _parley_loaded_at timestamptz)",
    );
    await sink.execute("CREATE UNIQUE INDEX texts_partial ON texts (id) WHERE text = 'never'");
    await sink.prepare([texts]);
    await sink.writeBatch(batch({ target: texts, rows: [row("a", "1")] }));
    await sink.writeBatch(batch({ target: texts, rows: [row("a", "2")] }));
    expect(await sink.query("SELECT id, text FROM texts")).toEqual([{ id: "a", text: "2" }]);
  });
});
