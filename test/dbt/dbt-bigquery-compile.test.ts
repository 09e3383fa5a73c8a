import { generateKeyPairSync } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Parser } from "node-sql-parser";
import { afterAll, expect, test } from "vitest";
import { pythonVenv } from "../../scripts/python-venv.ts";
import { parley, workspace } from "../support/cli-harness.ts";
import { offlineSources } from "../support/offline-sources.ts";
import { createDbtProject } from "./dbt-project.ts";

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * BigQuery without BigQuery: `dbt compile` with dbt-bigquery renders every model (the `.bigquery.sql` variants)
 * and every test of the sources file `parley dbt sources` writes for a BigQuery sink. The credentials are a key
 * made here, whose token endpoint is a closed local port, and compile is told not to list relations, so nothing
 * is sent anywhere. Each compiled model is then parsed as GoogleSQL.
 */
test("the package and a BigQuery sources file compile with dbt-bigquery, and every model parses as GoogleSQL", async () => {
  const venv = await pythonVenv(join(import.meta.dirname, "bigquery-requirements.txt"));
  const space = await workspace();
  cleanups.push(space.cleanup);
  const { privateKey } = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const keyfile = join(space.directory, "service-account.json");
  await writeFile(
    keyfile,
    JSON.stringify({
      type: "service_account",
      project_id: "parley-compile",
      private_key_id: "0",
      private_key: privateKey,
      client_email: "compile@parley-compile.iam.gserviceaccount.com",
      client_id: "0",
      token_uri: "http://127.0.0.1:9/token",
    }),
  );
  const target = {
    type: "bigquery",
    method: "service-account",
    keyfile,
    project: "parley-compile",
    dataset: "analytics",
  } as const;
  const project = await createDbtProject(venv, target, { parley_schema: "contact_center" });
  cleanups.push(project.cleanup);
  const config = await space.writeConfig({
    sink: { type: "bigquery", projectId: "parley-compile", dataset: "contact_center" },
    sources: offlineSources,
  });
  const written = await parley(["dbt", "sources", "-c", config, "--output", project.sourcesFile]);
  expect(written.code, written.stderr).toBe(0);

  await project.dbt(["deps"]);
  const compiled = await project.dbt(["compile", "--no-populate-cache"]);
  const found = /Found (\d+) models, (\d+) data tests/.exec(compiled);
  expect(found, compiled).not.toBeNull();
  expect(compiled, "no deprecation warnings").not.toMatch(/Deprecated functionality/);
  const manifest = JSON.parse(await readFile(join(project.directory, "target/manifest.json"), "utf8")) as {
    nodes: Record<string, { resource_type: string; package_name: string; name: string; compiled_code?: string }>;
  };
  const models = Object.values(manifest.nodes).filter(
    (node) => node.resource_type === "model" && node.package_name === "parley",
  );
  expect(models.length).toBe(Number(found?.[1]));
  const parser = new Parser();
  for (const model of models) {
    const sql = model.compiled_code ?? "";
    expect(sql, model.name).toMatch(/`parley-compile`\.`(contact_center|analytics)`\.`\w+`/);
    expect(sql.replace(/'(?:[^'\\]|\\.)*'|--[^\n]*/g, ""), `${model.name}: no standard double quotes`).not.toContain(
      '"',
    );
    expect(() => parser.astify(sql, { database: "BigQuery" }), model.name).not.toThrow();
  }
}, 600_000);
