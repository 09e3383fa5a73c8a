import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type RunningPostgres, startEmbeddedPostgres } from "../../scripts/embedded-postgres.ts";

const testCli = fileURLToPath(new URL("../support/parley-test-cli.ts", import.meta.url));

// The test run's server asks for a cleartext password; PostgreSQL's default (and the reviewer's server) is SCRAM,
// whose client side fails inside pg when there is no password. So this file starts a real SCRAM server of its own.
let server: RunningPostgres | undefined;
let directory = "";
let port = 0;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "parley-scram-config-"));
  server = await startEmbeddedPostgres({
    database: "test",
    password: "scram-secret",
    authMethod: "scram-sha-256",
    // A long authentication_timeout, as on many servers: a client left waiting would hold the process that long.
    settings: { authentication_timeout: "600" },
  });
  port = server.port;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await rm(directory, { recursive: true, force: true });
});

/** `parley ...` in a process of its own; killed only as a safety net, so a hang fails the exit-code assertion. */
async function run(argv: readonly string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ["--conditions=@parley/source", testCli, ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PGPASSWORD: "" },
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const safetyNet = setTimeout(() => child.kill("SIGKILL"), 90_000);
  const [code] = (await once(child, "exit")) as [number | null];
  clearTimeout(safetyNet);
  return { code, output };
}

test.each([
  [
    "url",
    (): unknown => ({ type: "postgres", url: `postgres://postgres@127.0.0.1:${port}/test` }),
    /sink\.url gives no password, and the server/,
  ],
  [
    "fields",
    (): unknown => ({ type: "postgres", host: "127.0.0.1", port, database: "test", user: "postgres" }),
    /sink\.password is not set, and the server/,
  ],
])(
  "a SCRAM server and no password in the %s: query, check and sync exit at once naming the setting",
  async (_, sink, field) => {
    const config = join(directory, `${_}.yaml`);
    await writeFile(config, JSON.stringify({ sink: sink(), sources: { counter: { type: "counter", pages: 1 } } }));
    for (const argv of [
      ["query", "-c", config, "SELECT 1"],
      ["check", "-c", config],
      ["sync", "-c", config],
    ]) {
      const { code, output } = await run(argv);
      expect({ argv: argv[0], code }).toEqual({ argv: argv[0], code: 1 });
      expect(output).toMatch(field);
      expect(output).toContain(`the server at postgres@127.0.0.1:${port}/test asks for one`);
      expect(output).not.toContain("[REDACTED]");
      expect(output).not.toContain("client password must be a string");
    }
  },
  300_000,
);
