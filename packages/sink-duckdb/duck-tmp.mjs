import { DuckDBInstance } from '@duckdb/node-api';
import { readFileSync, rmSync } from 'node:fs';
const sel = readFileSync('/tmp/mem/select.sql', 'utf8').trim();
const variants = {
  native: "SELECT * FROM read_json('/tmp/mem/batch.ndjson', format='newline_delimited', maximum_object_size=16777216)",
  nativeTyped: "SELECT * FROM read_json('/tmp/mem/batch.ndjson', format='newline_delimited', columns = " + sel.split('columns = ')[1].split('}, filename')[0] + "}, maximum_object_size=16777216)",
  ours: sel,
  oursNoFilename: sel.replace(', filename = true', ''),
};
for (const threads of [1, 2]) for (const [name, q] of Object.entries(variants)) {
  const times = [];
  for (let i = 0; i < 3; i++) {
    rmSync('/tmp/mem/v.duckdb', { force: true }); rmSync('/tmp/mem/v.duckdb.wal', { force: true });
    const inst = await DuckDBInstance.create('/tmp/mem/v.duckdb', { threads: String(threads) });
    const c = await inst.connect();
    const t = performance.now(); const u = process.cpuUsage();
    await c.run(`CREATE TABLE t AS ${q}`);
    const cpu = process.cpuUsage(u);
    times.push(`${((performance.now() - t)/1000).toFixed(3)}s/${((cpu.user+cpu.system)/1e6).toFixed(2)}cpu`);
    c.closeSync(); inst.closeSync();
  }
  console.log(threads, name, times.join(' '));
}
