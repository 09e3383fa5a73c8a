import { createHash } from "node:crypto";
import { SchemaError } from "../errors/schema-error.ts";
import { lineageColumns } from "../schema/logical-type.ts";
import type { TableTarget } from "../schema/stream-definition.ts";

/** A replace stream's staged rows keep their arrival order in this column, so the swap keeps the last per key. */
export const sequenceColumn = "_parley_seq";

/** Column names the protocol adds itself; a stream cannot declare them. */
export const reservedColumns: ReadonlySet<string> = new Set([
  sequenceColumn,
  ...lineageColumns.map((column) => column.name),
]);

const plain = /^[A-Za-z_][A-Za-z0-9_]*$/;

function hash(text: string, length: number): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

/**
 * Refuses a table or column name the warehouse could not hold as written: not a plain identifier, longer than
 * the warehouse allows (PostgreSQL would cut it silently), a name Parley adds itself, or two columns that differ
 * only in case (one column to BigQuery).
 */
export function checkTargetNames(target: TableTarget, maxLength: number): void {
  const fail = (name: string, why: string): never => {
    throw new SchemaError(`"${name}" in table ${target.table} is not a usable name: ${why}.`, { table: target.table });
  };
  const columns = target.stream.columns.map((column) => column.name);
  for (const name of [target.table, ...columns]) {
    if (!plain.test(name)) fail(name, "use letters, digits and underscores, not starting with a digit");
    if (name.length > maxLength) fail(name, `this warehouse allows at most ${maxLength} characters`);
  }
  for (const name of columns) {
    if (reservedColumns.has(name)) fail(name, `Parley adds ${[...reservedColumns].join(", ")} itself`);
  }
  const seen = new Set<string>();
  for (const name of columns) {
    if (seen.has(name.toLowerCase())) fail(name, "another column has the same name in a different case");
    seen.add(name.toLowerCase());
  }
}

/** The prefix of every replace staging table; leftovers of dead loads are found by it. */
export const replaceStagingPrefix = "_parley_replace_";

/** The part of a staging table's name that says which load owns it. */
export function loadTag(loadId: string): string {
  return hash(loadId, 10);
}

/**
 * Where one load's rows for a replace stream wait until its swap: a table per load and target, so two loads
 * replacing the same table never share (or empty) each other's staged rows. Cut with a hash to fit the limit.
 */
export function replaceStagingTable(table: string, loadId: string, maxLength: number): string {
  const name = `${replaceStagingPrefix}${loadTag(loadId)}_${table}`;
  if (name.length <= maxLength) return name;
  return `${name.slice(0, maxLength - 9)}_${hash(table, 8)}`;
}

/** The owning load's tag of a replace staging table name, if it is one. */
export function stagingTableTag(name: string): string | undefined {
  return name.startsWith(replaceStagingPrefix) ? name.slice(replaceStagingPrefix.length).split("_")[0] : undefined;
}
