import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { runCli, sandboxConfig } from "@parley/runner";
import { startSandbox } from "@parley/sandbox";
import { stringify } from "yaml";

/**
 * The demo: starts the three vendor emulators with seeded data, writes a config that points Parley at them,
 * syncs everything into ./parley-demo.duckdb, applies the metric views and prints some rows of each.
 */
const root = resolve(import.meta.dirname, "..");
const workDirectory = join(root, ".parley-demo");
const databasePath = join(root, "parley-demo.duckdb");
const configPath = join(workDirectory, "parley.yaml");

await mkdir(workDirectory, { recursive: true });
await rm(databasePath, { force: true });
await rm(`${databasePath}.wal`, { force: true });

const previews = [
  "SELECT * FROM ultimate_metrics ORDER BY 2 DESC, 1 LIMIT 6",
  "SELECT * FROM ultimate_first_meaningful_intent_metrics ORDER BY total_conversations DESC LIMIT 6",
  "SELECT * FROM voicegain_call_metrics ORDER BY 1 DESC, calls DESC LIMIT 6",
  "SELECT * FROM voicegain_topics ORDER BY 1 DESC, calls DESC LIMIT 6",
  "SELECT * FROM ccai_conversation_metrics ORDER BY 1 DESC, conversations DESC LIMIT 6",
  "SELECT * FROM ccai_issue_metrics ORDER BY 1 DESC, conversations DESC LIMIT 6",
  "SELECT source_type, source_name, COUNT(*) AS conversations, MIN(day) AS first_day, MAX(day) AS last_day FROM conversations GROUP BY 1, 2 ORDER BY 1, 2",
  "SELECT source_type, conversation_id, channel, day, duration_seconds, handled_by_bot_only, escalated, transferred, resolved, customer_sentiment FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY source_type ORDER BY started_at DESC NULLS LAST, conversation_id) AS n FROM conversations) AS latest WHERE n <= 2 ORDER BY 1, 2",
  // The latest day of each vendor (the emulators' data lies on different days).
  "SELECT * FROM conversation_metrics WHERE day IN (SELECT MAX(day) FROM conversations GROUP BY source_type) ORDER BY day DESC, channel",
];

const sandbox = await startSandbox();
let failures = 0;
try {
  await writeFile(
    configPath,
    `# Written by the demo: Parley pointed at the local sandbox emulators (fake credentials).\n${stringify(sandboxConfig(sandbox, databasePath))}`,
  );
  const step = async (argv: string[]): Promise<void> => {
    console.log(`\n$ parley ${argv.map((part) => (part.includes(" ") ? `"${part}"` : part)).join(" ")}`);
    if ((await runCli([...argv, "-c", configPath])) !== 0) failures += 1;
  };
  await step(["sync"]);
  await step(["views", "apply"]);
  for (const sql of previews) await step(["query", sql]);
  console.log(
    `\nThe data is in ${databasePath}. Try: npx -y pnpm@12 parley query -c ${configPath} "SELECT * FROM _parley_loads"`,
  );
} finally {
  await sandbox.close();
}
process.exitCode = failures === 0 ? 0 : 1;
