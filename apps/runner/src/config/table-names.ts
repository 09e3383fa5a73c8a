import { ConfigError, type ConfigIssue } from "@parley/core";
import type { RunnerConfig } from "./load-config.ts";

/**
 * Every table a source will write must fit the sink's identifier limit; a `tablePrefix` that makes one too long is
 * a config error naming `sources.<name>.tablePrefix` before anything runs (PostgreSQL allows 63 characters).
 * Creating the sink and the sources does no I/O: only their stream names and the sink's limit are read.
 */
export async function checkTableNames(config: RunnerConfig): Promise<void> {
  const sink = config.sink.factory.create(config.sink.config);
  const limit = sink.maxIdentifierLength;
  await sink.close();
  if (limit === undefined) return;
  const issues: ConfigIssue[] = [];
  for (const configured of config.sources) {
    const source = configured.factory.create(configured.config);
    try {
      const tooLong = source.streams
        .map((stream) => `${configured.tablePrefix}_${stream.name}`)
        .find((table) => table.length > limit);
      if (tooLong !== undefined)
        issues.push({
          path: `sources.${configured.name}.tablePrefix`,
          message: `table ${tooLong} would be ${tooLong.length} characters long, this warehouse allows at most ${limit}; use a shorter tablePrefix`,
        });
    } finally {
      await source.close();
    }
  }
  if (issues.length > 0) throw new ConfigError(issues, { subject: `configuration in ${config.path}` });
}
