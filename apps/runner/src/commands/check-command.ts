import { redact } from "@parley/core";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig, openSink } from "./command-context.ts";

/** `parley check`: the config is valid, the sink opens, and every source reaches its vendor with its credentials. */
export async function checkCommand(context: CommandContext, options: GlobalOptions): Promise<number> {
  const config = await openConfig(context, options);
  context.stdout.write(`config ${config.path}: valid (${config.sources.length} source(s), sink ${config.sink.type})\n`);
  let failures = 0;
  const sink = openSink(config);
  try {
    await sink.prepare([]);
    context.stdout.write(`sink ${config.sink.type}: ok\n`);
  } catch (error) {
    failures += 1;
    context.stdout.write(
      `sink ${config.sink.type}: FAILED: ${redact(error instanceof Error ? error.message : String(error))}\n`,
    );
  } finally {
    await sink.close();
  }
  for (const configured of config.sources) {
    const source = configured.factory.create(configured.config);
    try {
      // Logged, so what a check verified beyond reaching the API (CCAI's export tables) is said.
      await source.check({ logger: loggerFor(context).child({ source: configured.name }), signal: context.signal });
      context.stdout.write(`source ${configured.name} (${configured.type}): ok\n`);
    } catch (error) {
      failures += 1;
      context.stdout.write(
        `source ${configured.name} (${configured.type}): FAILED: ${redact(error instanceof Error ? error.message : String(error))}\n`,
      );
    } finally {
      await source.close();
    }
  }
  return failures === 0 ? 0 : 1;
}
