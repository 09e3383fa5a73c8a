import { SchemaError, type StreamDefinition } from "@parley/core";
import { batch, target } from "@parley/core/testing";
import { describe, expect, test } from "vitest";
import { textStream, useFreshSinks } from "./__fixtures__/postgres-schemas.ts";

const freshSink = useFreshSinks();

describe("postgres tables", () => {
  test("refuses stream and column names that are not plain identifiers, creating nothing", async () => {
    const { sink } = freshSink();
    const badColumn = target({
      ...textStream,
      columns: [...textStream.columns, { name: "drop table x", type: "string" }],
    });
    await expect(sink.prepare([badColumn])).rejects.toSatisfy(
      (error) => SchemaError.isInstance(error) && /drop table x/.test(error.message),
    );
    await expect(sink.prepare([target(textStream, "bad-name")])).rejects.toThrow(/"bad-name".*not a usable name/);
    await expect(
      sink.prepare([
        target({ ...textStream, columns: [...textStream.columns, { name: "_parley_load_id", type: "string" }] }),
      ]),
    ).rejects.toThrow(SchemaError);
    expect(
      await sink.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_parley%'",
      ),
    ).toEqual([]);
  });

  test("keeps keyword and mixed-case names as written", async () => {
    const { sink, schema } = freshSink();
    const stream: StreamDefinition = {
      name: "Order",
      writeDisposition: "merge",
      primaryKey: ["select"],
      columns: [
        { name: "select", type: "string" },
        { name: "conversationName", type: "string" },
        { name: "Group", type: "integer" },
      ],
    };
    const orders = target(stream, "Order");
    await sink.prepare([orders]);
    await sink.writeBatch(
      batch({
        target: orders,
        rows: [
          { select: "a", conversationName: "x", Group: 1 },
          { select: "a", conversationName: "y", Group: 2 },
        ],
      }),
    );
    expect(await sink.query(`SELECT "select", "conversationName", "Group" FROM "Order"`)).toEqual([
      { select: "a", conversationName: "y", Group: 2 },
    ]);
    const columns = await sink.query(
      `SELECT column_name FROM information_schema.columns WHERE table_schema = '${schema}' AND table_name = 'Order' ORDER BY ordinal_position`,
    );
    expect(columns.map((row) => row.column_name)).toEqual([
      "select",
      "conversationName",
      "Group",
      "_parley_load_id",
      "_parley_loaded_at",
    ]);
  });

  test("names schema.table, column, old and new type when a column's type changes", async () => {
    const { sink, schema } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    const changed = target({
      ...textStream,
      columns: [
        { name: "id", type: "string" },
        { name: "text", type: "integer" },
      ],
    } as StreamDefinition);
    const error = await sink.prepare([changed]).catch((caught: unknown) => caught);
    expect(SchemaError.isInstance(error)).toBe(true);
    expect((error as SchemaError).message).toContain(
      `Column text of table ${schema}.${texts.table} is text but the stream now declares integer (bigint)`,
    );
  });

  test("gives merge tables a primary key constraint (the index their merges delete by)", async () => {
    const { sink } = freshSink();
    const texts = target(textStream);
    await sink.prepare([texts]);
    const key = await sink.query(
      `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = '${texts.table}'::regclass AND i.indisprimary`,
    );
    expect(key).toEqual([{ name: "id" }]);
  });
});
