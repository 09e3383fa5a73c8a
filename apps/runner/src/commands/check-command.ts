import { redact, silentLogger } from "@parley/core";
import { type CommandContext, type GlobalOptions, openConfig, openSink } from "./command-context.ts";

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
      await source.check({ logger: silentLogger, signal: context.signal });
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
