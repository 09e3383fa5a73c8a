import { mkdir, rm, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { runCli } from "@parley/runner";
import { startSandbox } from "@parley/sandbox";
import { stringify } from "yaml";

/**
 * The demo: starts the three vendor emulators with seeded data, writes a config that points Parley at them,
 * syncs everything into ./parley-demo.duckdb, applies the metric views and prints a few rows of each.
 * Credentials reach the config through environment variables, as they would in production.
 */
const root = resolve(import.meta.dirname, "..");
const workDirectory = join(root, ".parley-demo");
const databasePath = join(root, "parley-demo.duckdb");
const configPath = join(workDirectory, "parley.yaml");

await mkdir(workDirectory, { recursive: true });
await rm(databasePath, { force: true });
await rm(`${databasePath}.wal`, { force: true });

const sandbox = await startSandbox();
try {
  const [project, location] = sandbox.ccai.parent.split("/").filter((_part, index) => index % 2 === 1) as [
    string,
    string,
  ];
  const config = {
    sink: { type: "duckdb", path: databasePath },
    sources: {
      ccai: { type: "ccai", project, location, baseUrl: sandbox.ccai.url, accessToken: "${DEMO_CCAI_TOKEN}" },
    },
  };
  await writeFile(
    configPath,
    `# Written by the demo; points Parley at the local sandbox emulators.\n${stringify(config)}`,
  );
  const environment = { ...process.env, DEMO_CCAI_TOKEN: "sandbox-access-token" };
  const cli = (argv: string[]) => runCli([...argv, "-c", configPath], { environment });

  console.log(`\n$ parley sync -c ${configPath}`);
  if ((await cli(["sync"])) !== 0) process.exitCode = 1;
  console.log("\n$ parley views apply");
  if ((await cli(["views", "apply"])) !== 0) process.exitCode = 1;
  const previews = [
    "SELECT * FROM ccai_conversation_metrics ORDER BY 1 DESC, conversations DESC LIMIT 8",
    "SELECT * FROM ccai_issue_metrics ORDER BY 1 DESC, conversations DESC LIMIT 8",
  ];
  for (const sql of previews) {
    console.log(`\n$ parley query "${sql}"`);
    if ((await cli(["query", sql])) !== 0) process.exitCode = 1;
  }
  console.log(
    `\nDone. The data is in ${databasePath}; try: pnpm parley query -c ${configPath} "SELECT * FROM _parley_loads"`,
  );
} finally {
  await sandbox.close();
}
