import {
  type ColumnDefinition,
  lineageColumns,
  type RecordContext,
  type RecordMapping,
  type StreamDefinition,
} from "@parley/core";
// Source files by path: the packages export neither the sink's SQL generator nor the connectors' record contexts.
import { recordContext } from "../../packages/connector-ultimate/src/ultimate-records.ts";
import { conversationMapping, conversationsStream } from "../../packages/connector-ultimate/src/ultimate-streams.ts";
import { callContext } from "../../packages/connector-voicegain/src/voicegain-records.ts";
import { callsStream } from "../../packages/connector-voicegain/src/voicegain-streams.ts";
import { fileColumn, mappingSelectSql, readerColumns } from "../../packages/sink-duckdb/src/duckdb-mapping-sql.ts";
import { duckdbColumnTypes, quoteIdentifier, quoteLiteral } from "../../packages/sink-duckdb/src/duckdb-types.ts";

/** Where the records came from, as a sync would tell the mapping: the Ultimate bot and export day, or a Voicegain page. */
export type TypedLoadSource =
  | { readonly vendor: "ultimate"; readonly botId: string; readonly exportDate: string }
  | { readonly vendor: "voicegain" };

type MappedStream = StreamDefinition & { readonly mapping: RecordMapping };

/** A typed load in DuckDB alone: the table a sync creates, and the one INSERT ... SELECT that fills it from a file. */
export interface TypedLoad {
  readonly table: string;
  readonly create: string;
  readonly insert: string;
}

/**
 * The statements that load a JSON file into the stream's typed table (its columns and the lineage columns, as the
 * sink creates it) with DuckDB's own reader and the SELECT the DuckDB sink's bulk path generates from the stream's
 * mapping (`mappingSelectSql`, `readerColumns`): no hand-written copy of the mapping. Built in the bench's process,
 * so the measured process only runs them. The reader options are the limit's (`duckdb-native.ts`).
 */
export function typedLoad(source: TypedLoadSource, layout: "array" | "ndjson", file: string): TypedLoad {
  const { stream, table, context }: { stream: MappedStream; table: string; context: RecordContext } =
    source.vendor === "ultimate"
      ? {
          stream: { ...conversationsStream, mapping: conversationMapping },
          table: `ultimate_${conversationsStream.name}`,
          // As the emulator's day arrives in a sync: the v3 API's export of one bot's day.
          context: recordContext({ botId: source.botId, exportDate: source.exportDate, exportVersion: "v3" }, file),
        }
      : { stream: callsStream, table: `voicegain_${callsStream.name}`, context: callContext };
  const columns: readonly ColumnDefinition[] = [...stream.columns, ...lineageColumns];
  const names = columns.map((column) => quoteIdentifier(column.name)).join(", ");
  const typed = columns.map((column) => `${quoteIdentifier(column.name)} ${duckdbColumnTypes[column.type]}`);
  const reader = `read_json(${quoteLiteral(file)}, format = ${layout === "ndjson" ? "'newline_delimited'" : "'array'"}, columns = {${readerColumns(stream.mapping)}}, maximum_object_size = 268435456)`;
  const relation = `(SELECT 0 AS ${fileColumn}, * FROM ${reader})`;
  const mapped = mappingSelectSql(stream.mapping, stream.columns, [context], relation);
  const lineage = `${quoteLiteral("bench-typed-load")}, CAST(${quoteLiteral(new Date().toISOString())} AS TIMESTAMPTZ)`;
  return {
    table,
    create: `CREATE TABLE ${quoteIdentifier(table)} (${typed.join(", ")})`,
    insert: `INSERT INTO ${quoteIdentifier(table)} (${names}) SELECT *, ${lineage} FROM (${mapped})`,
  };
}
