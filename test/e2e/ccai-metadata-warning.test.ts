import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, expect, test } from "vitest";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

test("CCAI without credentials off Google Cloud: stderr under --log-format json is only JSON lines, with Parley's error and no MetadataLookupWarning", async () => {
  // Stands in for what a machine off Google Cloud meets at the metadata address (here a proxy's 403), which
  // makes gcp-metadata emit a Node process warning.
  const metadata = createServer((_request, response) => response.writeHead(403).end("forbidden"));
  await new Promise<void>((resolve) => metadata.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise((resolve) => metadata.close(() => resolve())));
  const address = metadata.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;

  const directory = await mkdtemp(join(tmpdir(), "parley-ccai-adc-"));
  cleanups.push(() => rm(directory, { recursive: true, force: true }));
  const config = join(directory, "parley.yaml");
  await writeFile(
    config,
    JSON.stringify({
      sink: { type: "duckdb", path: join(directory, "parley.duckdb") },
      sources: { ccai: { type: "ccai", project: "p1", location: "us-central1" } },
    }),
  );
  const environment: NodeJS.ProcessEnv = { ...process.env, HOME: directory, GCE_METADATA_HOST: `127.0.0.1:${port}` };
  for (const name of [
    "GOOGLE_APPLICATION_CREDENTIALS",
    "CLOUDSDK_CONFIG",
    "METADATA_SERVER_DETECTION",
    "GCE_METADATA_IP",
  ])
    delete environment[name];

  const child = spawn(
    process.execPath,
    ["--conditions=@parley/source", testCli, "sync", "-c", config, "--log-format", "json"],
    { stdio: ["ignore", "pipe", "pipe"], env: environment },
  );
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.resume();
  const safetyNet = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(safetyNet);

  expect(code).toBe(1);
  expect(stderr).toContain("Could not obtain a Google access token from application default credentials");
  expect(stderr).not.toContain("MetadataLookupWarning");
  const lines = stderr.split("\n").filter((line) => line !== "");
  const notJson = lines.filter((line) => {
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  });
  expect(notJson).toEqual([]);
}, 180_000);
