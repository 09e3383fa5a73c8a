// pg-copy-streams ships no types; this declares the one entry point the sink uses.
declare module "pg-copy-streams" {
  import type { Writable, WritableOptions } from "node:stream";
  import type { Submittable } from "pg";

  export interface CopyStreamQuery extends Writable, Submittable {
    /** Rows PostgreSQL reported as copied, set once the stream has finished. */
    readonly rowCount: number;
  }

  export function from(text: string, options?: WritableOptions): CopyStreamQuery;
}
