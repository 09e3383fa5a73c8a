import { ConfigError } from "@parley/core";
import { type RowFormat, renderRows } from "../output/row-formats.ts";
import { type CommandContext, type GlobalOptions, openConfig, openSink } from "./command-context.ts";

/** `parley query "SQL" [--format F]`: runs a query in the sink and prints the rows. */
export async function queryCommand(
  context: CommandContext,
  options: GlobalOptions & { readonly sql: string | undefined; readonly format: RowFormat },
): Promise<number> {
  if (options.sql === undefined || options.sql.trim() === "")
    throw new ConfigError([{ path: "SQL", message: 'give the query to run: parley query "SELECT ..."' }]);
  const config = await openConfig(context, options);
  const sink = openSink(config);
  try {
    context.stdout.write(renderRows(await sink.query(options.sql), options.format));
  } finally {
    await sink.close();
  }
  return 0;
}
