import { configJsonSchema } from "../config/config-json-schema.ts";
import { everyPlugin } from "../registry.ts";
import type { CommandContext } from "./command-context.ts";

/** `parley schema`: the JSON Schema of parley.yaml for every installed plugin (and the program's own). */
export async function schemaCommand(context: CommandContext): Promise<number> {
  context.stdout.write(`${JSON.stringify(configJsonSchema(await everyPlugin(context.registry)), null, 2)}\n`);
  return 0;
}
