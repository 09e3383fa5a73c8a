import { redact } from "@parley/core";
import { type CommandContext, type GlobalOptions, loggerFor, openConfig, openSink } from "./command-context.ts";

/** One line per check: `what: ok` as text, or a JSON object per line under `--log-format json`. */
function reporter(context: CommandContext) {
  return (check: string, failure: unknown, detail?: string): void => {
    const message =
      failure === undefined ? detail : redact(failure instanceof Error ? failure.message : String(failure));
    if (context.logFormat === "json") {
      const status = failure === undefined ? "ok" : "failed";
      context.stdout.write(`${JSON.stringify({ check, status, ...(message === undefined ? {} : { message }) })}\n`);
    } else if (failure === undefined) context.stdout.write(`${check}: ${detail ?? "ok"}\n`);
    else context.stdout.write(`${check}: FAILED: ${message}\n`);
  };
}

/** `parley check`: the config is valid, the sink opens, and every source reaches its vendor with its credentials. */
export async function checkCommand(context: CommandContext, options: GlobalOptions): Promise<number> {
  const config = await openConfig(context, options);
  const report = reporter(context);
  report(`config ${config.path}`, undefined, `valid (${config.sources.length} source(s), sink ${config.sink.type})`);
  let failures = 0;
  const sink = openSink(config);
  try {
    await sink.prepare([]);
    report(`sink ${config.sink.type}`, undefined);
  } catch (error) {
    failures += 1;
    report(`sink ${config.sink.type}`, error);
  } finally {
    await sink.close();
  }
  for (const configured of config.sources) {
    const source = configured.factory.create(configured.config);
    try {
      // Logged, so what a check verified beyond reaching the API (CCAI's export tables) is said.
      await source.check({ logger: loggerFor(context).child({ source: configured.name }), signal: context.signal });
      report(`source ${configured.name} (${configured.type})`, undefined);
    } catch (error) {
      failures += 1;
      report(`source ${configured.name} (${configured.type})`, error);
    } finally {
      await source.close();
    }
  }
  return failures === 0 ? 0 : 1;
}
