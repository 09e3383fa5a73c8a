import { ParleyError } from "./parley-error.ts";

/**
 * A table cannot take a stream's schema: an existing column would change to an incompatible type,
 * a primary key changed, or a name is not a valid identifier. Never retried: a person must decide
 * (migrate the column, rename the stream, or run with --full-refresh).
 */
export class SchemaError extends ParleyError {
  readonly code = "schema_incompatible";
  readonly table: string;
  readonly column: string | undefined;

  constructor(message: string, options: { table: string; column?: string; cause?: unknown }) {
    super(message, { cause: options.cause });
    this.table = options.table;
    this.column = options.column;
  }

  static isInstance(error: unknown): error is SchemaError {
    return ParleyError.isParleyError(error) && error.code === "schema_incompatible";
  }
}
