import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { parley } from "../support/cli-harness.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
const prefixes = ["npx -y pnpm@12 parley", "npx parley", "parley"];

/** Splits a command line the way a POSIX shell would for these simple cases: words, "double" and 'single' quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((match) => match[1] ?? match[2] ?? match[3] ?? "");
}

/** Every `parley` command line in the README's shell blocks and code spans, without the prefix and comments. */
function readmeCommands(): string[][] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((match) => (match[1] ?? "").split("\n"));
  const spans = [...readme.matchAll(/`([^`\n]+)`/g)].flatMap((match) => (match[1] ?? "").split(/\s*&&\s*/));
  const commands: string[][] = [];
  for (const line of [...blocks, ...spans]) {
    const text = line.replace(/\s+#.*$/, "").trim();
    const prefix = prefixes.find((candidate) => text.startsWith(`${candidate} `));
    if (prefix !== undefined && !text.includes("...")) commands.push(words(text.slice(prefix.length)));
  }
  return commands;
}

test.each(["README.md", "parley.example.yaml"])("%s never tells a fresh machine to run a global pnpm", (file) => {
  const text = readFileSync(new URL(`../../${file}`, import.meta.url), "utf8");
  expect(text).not.toMatch(/(^|[^@\d])\bpnpm parley\b/m);
  expect(text.match(/(?<!npx -y )pnpm@12 parley/g) ?? []).toEqual([]);
});

test("every parley command the README shows names a real command with options it accepts", async () => {
  const commands = readmeCommands();
  expect(commands.length).toBeGreaterThan(10);
  for (const argv of commands) {
    const run = await parley([...argv, "--help"]);
    expect(run.stderr, argv.join(" ")).toBe("");
    expect(run.code, argv.join(" ")).toBe(0);
  }
});

test("the README's way of running parley in a clone works as printed", () => {
  const run = spawnSync("npx", ["-y", "pnpm@12", "parley", "--version"], { cwd: root, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  expect(run.stdout).toMatch(/\d+\.\d+\.\d+/);
});
