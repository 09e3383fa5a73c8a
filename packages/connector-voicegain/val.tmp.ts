import { readFileSync } from "node:fs";
import { createRecordValidator } from "@parley/core";
import { readJsonBody } from "./src/voicegain-page.ts";
import { callsStream } from "./src/voicegain-streams.ts";
const text = readFileSync("/tmp/vg/emu/calls.json");
const validate = createRecordValidator(callsStream);
const parsed = await readJsonBody((async function* () { yield text; })());
const input = parsed.entries.filter((e) => e.kind === "call").map((e) => e.row);
for (let round = 0; round < 5; round++) {
  const t = performance.now();
  let n = 0;
  for (const r of input) { const v = validate(r); if (v.ok) n++; }
  console.log(`validate ${(performance.now() - t).toFixed(0)} ${n}`);
}
const rows = input.map((r) => { const v = validate(r); return v.ok ? v.row : undefined; });
for (let round = 0; round < 4; round++) {
  const t = performance.now();
  let n = 0;
  for (const r of rows) n += JSON.stringify(r).length;
  console.log(`stringify ${(performance.now() - t).toFixed(0)} ${n}`);
}
