import { ParleyError } from "./parley-error.ts";

/**
 * A query's result has two or more columns of the same name. `Sink.query` returns rows keyed by column name, so
 * one would silently hide the other; the query must alias them.
 */
export class DuplicateColumnsError extends ParleyError {
  readonly code = "query_duplicate_columns";
  /** Each name that appears more than once, in result order. */
  readonly columns: readonly string[];

  constructor(columns: readonly string[]) {
    const names = columns.map((column) => `"${column}"`).join(", ");
    super(
      `The query returns more than one column named ${names}; rows are returned by column name, so one would hide the other. Give each column its own name with AS (e.g. SELECT count(*) AS calls, count(DISTINCT call_id) AS distinct_calls).`,
    );
    this.columns = columns;
  }

  static isInstance(error: unknown): error is DuplicateColumnsError {
    return ParleyError.isParleyError(error) && error.code === "query_duplicate_columns";
  }
}
