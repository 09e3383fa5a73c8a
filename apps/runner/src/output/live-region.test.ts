import { silentLogger } from "@parley/core";
import { expect, test } from "vitest";
import { createLiveRegion } from "./live-region.ts";
import { createProgressDisplay } from "./progress-display.ts";

/** The screen a terminal shows after some output: lines, cursor-up (ESC[nA), carriage return, erase-below (ESC[0J). */
function screen(output: string): string[] {
  const lines: string[] = [""];
  let row = 0;
  const escapeCharacter = String.fromCharCode(27);
  const pattern = new RegExp(`${escapeCharacter}\\[(\\d*)([AJK])|\\r|\\n|[^${escapeCharacter}\\r\\n]+`, "g");
  for (const match of output.matchAll(pattern)) {
    const [token, count, command] = match;
    if (command === "A") row = Math.max(0, row - Number(count || 1));
    else if (command === "J") {
      lines.splice(row + 1);
      lines[row] = "";
    } else if (command === "K") lines[row] = "";
    else if (token === "\r") continue;
    else if (token === "\n") {
      row += 1;
      lines[row] ??= "";
    } else lines[row] = token;
  }
  return lines.filter((line, index) => line !== "" || index < lines.length - 1);
}

function terminal() {
  let output = "";
  const write = (chunk: string): boolean => {
    output += chunk;
    return true;
  };
  const stream = { isTTY: true, write } as unknown as NodeJS.WriteStream;
  return { stream, screen: () => screen(output) };
}

test("a line printed while the live lines are shown stays on screen above them, however often they are redrawn", () => {
  const { stream, screen: shown } = terminal();
  const region = createLiveRegion(stream);
  region.update(["ultimate/conversations: 10 records", "ultimate/messages: 5 records"]);
  region.print("interrupted by the user (SIGINT): stopping after the current batch");
  region.update(["ultimate/conversations: 20 records", "ultimate/messages: 9 records"]);
  region.update(["ultimate/conversations: 30 records", "ultimate/messages: 12 records"]);
  expect(shown()).toEqual([
    "interrupted by the user (SIGINT): stopping after the current batch",
    "ultimate/conversations: 30 records",
    "ultimate/messages: 12 records",
  ]);
});

test("the progress display's redraws never erase a log line written through the same region", () => {
  const { stream, screen: shown } = terminal();
  const region = createLiveRegion(stream);
  const display = createProgressDisplay({ source: "s", region, logger: silentLogger, mode: "tty", intervalMs: 60_000 });
  display.onProgress({ kind: "records", stream: "items", records: 1, rejects: 0 });
  display.stop();
  region.print("WARN  a log line");
  display.onProgress({ kind: "records", stream: "items", records: 2, rejects: 0 });
  const second = createProgressDisplay({ source: "t", region, logger: silentLogger, mode: "tty", intervalMs: 60_000 });
  second.onProgress({ kind: "records", stream: "items", records: 7, rejects: 0 });
  region.print("INFO  another");
  second.stop();
  const lines = shown();
  expect(lines[0]).toMatch(/^s\/items: 1 records/);
  expect(lines[1]).toBe("WARN  a log line");
  expect(lines[2]).toBe("INFO  another");
  expect(lines[3]).toMatch(/^t\/items: 7 records/);
  expect(lines).toHaveLength(4);
});

test("off a terminal only printed lines are written", () => {
  let output = "";
  const write = (chunk: string): boolean => {
    output += chunk;
    return true;
  };
  const region = createLiveRegion({ isTTY: false, write } as never);
  region.update(["live"]);
  region.print("logged");
  expect(output).toBe("logged\n");
});
