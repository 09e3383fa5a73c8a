import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { type Registry, runCli } from "@parley/runner";

/**
 * The views the files of `sql/<sourceType>/` define, each with the variants present: `NN_<view>.sql` is
 * "portable", `NN_<view>.<dialect>.sql` is that dialect.
 */
export async function viewFilesOnDisk(sqlDirectory: string, sourceType: string): Promise<Map<string, string[]>> {
  const names = (await readdir(join(sqlDirectory, sourceType))).filter((name) => name.endsWith(".sql")).sort();
  const views = new Map<string, string[]>();
  for (const name of names) {
    const [base, dialect = "portable"] = name.slice(0, -".sql".length).split(".") as [string, string | undefined];
    const view = base.replace(/^\d+_/, "");
    views.set(view, [...(views.get(view) ?? []), dialect]);
  }
  return views;
}

type Row = Readonly<Record<string, unknown>>;

/** Sorts rows by their grain columns and fails if two rows share a grain (so the order is total). */
export function sortByGrain(rows: readonly Row[], grain: readonly string[]): Row[] {
  const key = (row: Row) => JSON.stringify(grain.map((column) => row[column] ?? null));
  const keyed = rows.map((row) => ({ key: key(row), row }));
  keyed.sort((left, right) => (left.key < right.key ? -1 : left.key > right.key ? 1 : 0));
  for (let index = 1; index < keyed.length; index++) {
    if (keyed[index]?.key === keyed[index - 1]?.key)
      throw new Error(`two rows share the grain (${grain.join(", ")}) = ${keyed[index]?.key}`);
  }
  return keyed.map((entry) => entry.row);
}

/** Floats from two engines agree when they differ by at most this share of the larger one. */
export const relativeTolerance = 1e-9;

function closeEnough(left: number, right: number): boolean {
  if (left === right) return true;
  return Math.abs(left - right) <= relativeTolerance * Math.max(Math.abs(left), Math.abs(right));
}

/** Equal values across engines: numbers to `relativeTolerance`, JSON values structurally, everything else exactly. */
export function sameValue(left: unknown, right: unknown): boolean {
  if (typeof left === "bigint" || typeof right === "bigint") return String(left) === String(right);
  if (typeof left === "number" && typeof right === "number") return closeEnough(left, right);
  return isDeepStrictEqual(left, right);
}

/**
 * `actual` with every value that matches `expected` (by `sameValue`) replaced by the expected value, so a
 * `toEqual` between the two shows only real differences, and every row and column in full.
 */
export function alignTo(actual: readonly Row[], expected: readonly Row[]): Row[] {
  return actual.map((row, index) => {
    const reference = expected[index];
    if (reference === undefined) return row;
    return Object.fromEntries(
      Object.entries(row).map(([column, value]) => [
        column,
        column in reference && sameValue(value, reference[column]) ? reference[column] : value,
      ]),
    );
  });
}

/** Runs the CLI in-process with `registry`, capturing what it prints. */
export async function runCliWith(
  registry: Registry,
  argv: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = { stdout: "", stderr: "" };
  const stream = (name: keyof typeof output) =>
    ({
      isTTY: false,
      write(chunk: string) {
        output[name] += chunk;
        return true;
      },
    }) as unknown as NodeJS.WriteStream;
  const code = await runCli(argv, { registry, stdout: stream("stdout"), stderr: stream("stderr"), environment: {} });
  return { code, ...output };
}
