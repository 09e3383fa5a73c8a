import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import {
  createRecordMapper,
  createRecordValidator,
  type MergeStreamDefinition,
  mapRecordText,
  type RecordContext,
  type RecordMapping,
} from "@parley/core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { fileColumn, mappingSelectSql, readerColumns } from "./duckdb-mapping-sql.ts";
import { duckdbColumnTypes } from "./duckdb-types.ts";
import { createUsualFormScanner } from "./duckdb-usual-scan.ts";

const mapping: RecordMapping = {
  fields: [
    { column: "id", from: ["id"], reading: "text" },
    { column: "who", from: ["who"], reading: "text", contextFallback: true },
    { column: "n", from: ["n", "n_old"], reading: "count" },
    { column: "at", from: ["at"], reading: "timestamp" },
    { column: "flag", from: ["flag"], reading: "boolean" },
    { column: "data", from: ["data"], reading: "json" },
    { column: "items", from: ["items"], reading: "json" },
  ],
  contextColumns: ["day"],
  extraFieldsColumn: "extra",
  fieldNameColumns: [{ column: "n_field", of: "n" }],
  dayFallback: { column: "day", from: "at" },
};

const stream: MergeStreamDefinition = {
  name: "things",
  writeDisposition: "merge",
  primaryKey: ["id"],
  mapping,
  columns: [
    { name: "id", type: "string" },
    { name: "who", type: "string" },
    { name: "n", type: "integer" },
    { name: "n_field", type: "string" },
    { name: "at", type: "timestamp" },
    { name: "day", type: "date" },
    { name: "flag", type: "boolean" },
    { name: "data", type: "json", shape: "object" },
    { name: "items", type: "json", shape: "list of objects" },
    { name: "extra", type: "json", shape: "object" },
  ],
};

/** Each record, and whether it is in a usual form SQL maps itself (true) or is left to the JavaScript mapper (false). */
const records: readonly [string, boolean][] = [
  [
    '{"id":"a","who":"w","n":"7","at":"2024-05-03T08:10:01.211+00:00","flag":true,"data":{"k":[1,2.5]},"items":[{"x":1}]}',
    true,
  ],
  ['{"id":"b","n_old":"12","at":"2024-05-03T23:59:59Z","flag":false,"items":[]}', true],
  ['{"id":"c","n":"","at":"","data":null,"items":null}', true],
  ['{"id":"d","n":"","who":null}', true],
  ['{"id":"d2","who":"","flag":""}', true],
  ['{"id":"d3","who":"{not json [","flag":"true"}', true],
  ['{"id":"d4","who":true}', true],
  ['{"id":"c2","n":42}', false],
  ['{"id":"e","who":"ü ✓ \\" \\n","n":null,"n_old":null}', false],
  ['{"id":"e2","n":null}', false],
  ['{"id":"f","ID":"g"}', false],
  ['{"id":"h","unknown":1}', false],
  ['{"id":"i","n":"7.0"}', false],
  ['{"id":"j","n":"seven"}', false],
  ['{"id":"k","at":"2024-05-03 08:10:01"}', false],
  ['{"id":"l","at":"2024-05-03T10:10:01+02:00"}', false],
  ['{"id":"m","at":1714723825}', false],
  ['{"id":"n","flag":"true"}', true],
  ['{"id":"n2","flag":"TRUE"}', false],
  ['{"id":"w","who":7,"n":"8"}', false],
  ['{"id":"x","who":7.5}', false],
  ['{"id":"x3","who":{"a":1}}', false],
  ['{"id":"o","data":"{\\"k\\":1}"}', false],
  ['{"id":"o2","data":""}', false],
  ['{"id":"p","items":"not a list"}', false],
  ['{"id":"q","items":[1,2]}', false],
  ['{"id":"r","data":[]}', false],
  ['{"who":"nobody"}', false],
  ['{"id":""}', false],
  ["[1,2]", false],
  ['{"id":"broken"', false],
  ['{"id":"s","who":"nul \\u0000 here"}', false],
  [`{"id":"deep","data":${'{"a":'.repeat(120)}1${"}".repeat(120)}}`, false],
  [`{"id":"wide","data":{"a":[${'{"b":1},'.repeat(120)}{}]}}`, true],
  // JSON values DuckDB stores as written where JavaScript writes them again: a whole number with a fraction or an
  // exponent, -0.0, an integer past 2^53, a key sent twice, keys that are array indexes (JavaScript puts them first).
  ['{"id":"j1","data":{"k":1.0}}', false],
  ['{"id":"j2","items":[{"x":1e2}]}', false],
  ['{"id":"j3","data":{"k":[-0.0]}}', false],
  ['{"id":"j4","data":{"k":12345678901234567890}}', false],
  ['{"id":"j5","data":{"k":1,"k":2}}', false],
  ['{"id":"j6","data":{"b":1,"2":2}}', false],
  ['{"id":"j7","data":{"k":{"10":1}}}', false],
  ['{"id":"j8","data":{"k\\u0041":1,"kA":2}}', false],
  ['{"id":"j9","data":{"k":[0.25,-12.5,0,-0,123456789012345,"1.0"],"n":{"k":1},"m":{"k":2,"0k":3}}}', true],
  // Keys are told apart per object: the same key in a parent and its child, or in sibling objects, is not twice.
  ['{"id":"j10","data":{"a":1,"b":{"a":2},"c":3},"items":[{"a":1},{"a":2}]}', true],
  ['{"id":"j11","data":{"a":1,"b":{"x":2},"a":3}}', false],
  ['{"id":"j12","data":{"a":1,"b":{"a":2,"a":3}}}', false],
  [`{"id":"j13","data":{${Array.from({ length: 40 }, (_, key) => `"k${key}":${key}`).join(",")}}}`, true],
  [`{"id":"j14","data":{${Array.from({ length: 40 }, (_, key) => `"k${key}":${key}`).join(",")},"k7":0}}`, false],
  // Fractions: a whole value however long, and one past 15 digits as JavaScript reads it.
  ['{"id":"j15","data":{"k":4.000}}', false],
  ['{"id":"j16","data":{"k":1.0000000000000001}}', false],
  ['{"id":"j17","data":{"k":123456789012345.5,"m":0.000125}}', true],
  ['{"id":"t","at":"2024-02-30T08:10:01Z"}', false],
  ['{"id":"t2","at":"2024-02-29T08:10:01Z"}', true],
  ['{"id":"t3","at":"2024-05-03T24:00:00Z"}', false],
  ['{"id":"t4","at":"2024-05-03T08:60:01.123456+00:00"}', false],
  ['{"id":"t5","at":"2024-05-03T08:10:01.123456+00:00"}', true],
  ['{"id":"t6","at":"2024-05-03T08:10:01.1234567Z"}', false],
  ['{"id":"t7","at":"2024-05-03T08:10:01.Z"}', false],
  ['{"id":"n3","flag":"fals"}', false],
  ['{"id":"n4","n":"0123"}', true],
  ['{"id":"u","n":"12345678901234567"}', false],
  ['{"id":"v","who":"😀 \\ud83d\\ude00"}', false],
];
const context = { values: { who: "from-context", day: null }, where: "test file" };

let directory: string;
let instance: DuckDBInstance;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "parley-mapping-sql-"));
  instance = await DuckDBInstance.create(join(directory, "test.duckdb"));
});
afterAll(async () => {
  instance.closeSync();
  await rm(directory, { recursive: true, force: true });
});

async function rows(sql: string): Promise<Record<string, unknown>[]> {
  const connection = await instance.connect();
  await connection.run("SET TimeZone = 'UTC'");
  const reader = await connection.runAndReadAll(sql);
  connection.closeSync();
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** The scanner, the generated SQL and the JavaScript path of one stream's mapping, side by side. */
function paths(stream: MergeStreamDefinition & { mapping: RecordMapping }, context: RecordContext) {
  const { mapping } = stream;
  const scan = createUsualFormScanner(mapping, stream.columns, stream.primaryKey);
  const mapper = createRecordMapper(
    mapping,
    stream.columns.map((column) => column.name),
    stream.primaryKey,
  );
  const validate = createRecordValidator(stream);
  const names = stream.columns.map((column) => `"${column.name}"`).join(", ");
  return {
    usual(text: string): boolean {
      const bytes = Buffer.from(text);
      return scan.usual(bytes, 0, bytes.length);
    },
    /** The merge key the scanner gives for a usual record, and the one the JavaScript mapper's row holds. */
    keys(text: string): [unknown, unknown] {
      const bytes = Buffer.from(text);
      const mapped = mapRecordText(mapper, text, context);
      const row = mapped.ok ? mapped.row : {};
      return [
        scan.usual(bytes, 0, bytes.length) ? scan.key(context.values) : undefined,
        Object.fromEntries(stream.primaryKey.map((column) => [column, row[column]])),
      ];
    },
    /** The row DuckDB's typed reader and the generated SQL store for one record (undefined if the reader refuses it). */
    async fromSql(text: string, index: number): Promise<Record<string, unknown> | undefined> {
      const staged = join(directory, `raw-${stream.name}-${index}.ndjson`);
      await writeFile(staged, text);
      const relation = `(SELECT 0 AS ${fileColumn}, * FROM read_json('${staged}', format = 'newline_delimited', columns = {${readerColumns(mapping)}}))`;
      try {
        return (
          await rows(`SELECT ${names} FROM (${mappingSelectSql(mapping, stream.columns, [context], relation)})`)
        )[0];
      } catch {
        return undefined;
      }
    },
    /** The row the JavaScript path stores: the mapper, the runner's validator, then DuckDB's reader with the column types. */
    async fromJavaScript(text: string, index: number): Promise<Record<string, unknown> | string> {
      const mapped = mapRecordText(mapper, text, context);
      if (!mapped.ok) return mapped.reason;
      const validated = validate(mapped.row);
      if (!validated.ok) return validated.reason;
      const path = join(directory, `row-${stream.name}-${index}.ndjson`);
      await writeFile(path, JSON.stringify(validated.row));
      const types = stream.columns.map((column) => `"${column.name}": '${duckdbColumnTypes[column.type]}'`).join(", ");
      return (
        await rows(`SELECT ${names} FROM read_json('${path}', format = 'newline_delimited', columns = {${types}})`)
      )[0] as Record<string, unknown>;
    },
  };
}

const { usual, fromSql, fromJavaScript } = paths({ ...stream, mapping }, context);

/** Variations of a usual record, each of which a usual-form scanner must either store exactly or leave aside. */
function mutations(text: string): string[] {
  const value = JSON.parse(text) as Record<string, unknown>;
  const out: string[] = [];
  const replacements: unknown[] = [
    7,
    7.0,
    "7",
    "",
    null,
    true,
    "true",
    [],
    {},
    [{}],
    ["x"],
    "2024-05-03T08:10:01Z",
    1e21,
    -0,
  ];
  for (const key of Object.keys(value)) {
    for (const replacement of replacements) out.push(JSON.stringify({ ...value, [key]: replacement }));
    out.push(JSON.stringify(value).replace(`"${key}":`, `"${key.toUpperCase()}":`));
    // A key sent twice: the scanner leaves it aside (DuckDB's reader would refuse the batch).
    out.push(JSON.stringify(value).replace(`"${key}":`, `"${key}":1,"${key}":`));
    out.push(JSON.stringify(value).replace(`"${key}":`, `"${key}" :\t `));
    out.push(
      JSON.stringify(value).replace(
        `"${key}":`,
        `"${key.slice(0, -1)}\\u00${key.charCodeAt(key.length - 1).toString(16)}":`,
      ),
    );
  }
  out.push(
    JSON.stringify({ ...value, extra: 1 }),
    `${JSON.stringify(value).slice(0, -1)},}`,
    `[${JSON.stringify(value)}]`,
  );
  return out;
}

describe("mapping SQL generated from a RecordMapping", () => {
  test("the scanner tells the usual forms as the table says", () => {
    expect(records.map(([text]) => `${usual(text)} ${text.slice(0, 60)}`)).toEqual(
      records.map(([text, fast]) => `${fast} ${text.slice(0, 60)}`),
    );
  });

  test("every record the scanner calls usual, and every variation of one, is stored by DuckDB's reader and the generated SQL exactly as the JavaScript path stores it", async () => {
    const candidates = [
      ...records.map(([text]) => text),
      ...records.filter(([, fast]) => fast).flatMap(([text]) => mutations(text)),
    ];
    let checked = 0;
    for (const [index, text] of candidates.entries()) {
      if (!usual(text)) continue;
      const javaScript = await fromJavaScript(text, index);
      expect(
        typeof javaScript,
        `the JavaScript path refuses a record called usual: ${text}: ${String(javaScript)}`,
      ).toBe("object");
      const sql = await fromSql(text, index);
      expect(sql, text).toEqual(javaScript);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });
});

/** A mapping with exact keys, nested fields and every reading such vendors use (Voicegain's calls are one). */
const exactStream = {
  name: "calls",
  writeDisposition: "merge",
  primaryKey: ["id"],
  columns: [
    { name: "id", type: "integer" },
    { name: "name", type: "string" },
    { name: "agent_id", type: "string" },
    { name: "agent_email", type: "string" },
    { name: "score", type: "float" },
    { name: "duration", type: "integer" },
    { name: "parent", type: "integer" },
    { name: "resolved", type: "boolean" },
    { name: "started", type: "timestamp" },
    { name: "tags", type: "json", shape: "list of strings" },
    { name: "spawned", type: "json", shape: "list" },
    { name: "markers", type: "json", shape: "list of objects" },
    { name: "quality", type: "json", shape: "object" },
    { name: "sentiments", type: "json", shape: "list of objects" },
  ],
  mapping: {
    keys: "exact",
    fields: [
      { column: "id", from: ["id"], reading: "numeric id" },
      { column: "name", from: ["name"], reading: "text or null" },
      { column: "agent_id", from: ["agentId"], reading: "text or null", within: "agent" },
      { column: "agent_email", from: ["email"], reading: "text or null", within: "agent" },
      { column: "score", from: ["score"], reading: "number" },
      { column: "duration", from: ["duration"], reading: "whole number" },
      { column: "parent", from: ["parent"], reading: "numeric id" },
      { column: "resolved", from: ["resolved"], reading: "true or false" },
      { column: "started", from: ["started"], reading: "utc time" },
      { column: "tags", from: ["tags"], reading: "text list" },
      { column: "spawned", from: ["spawned"], reading: "numeric id list" },
      {
        column: "markers",
        from: ["markers"],
        reading: "object list",
        itemKeys: [
          { key: "time", reading: "whole number" },
          { key: "type", reading: "text or null" },
          { key: "note", reading: "text or null" },
        ],
      },
      { column: "quality", from: ["quality"], reading: "json as sent" },
      { column: "sentiments", from: ["sentiments"], reading: "json as sent" },
    ],
  },
} as const satisfies MergeStreamDefinition & { mapping: RecordMapping };

const exactRecords: readonly [string, boolean][] = [
  [
    '{"id":"14603","name":"Joe","agent":{"agentId":"436828","email":"j@x.io"},"score":87.5,"duration":285,"parent":"14600","resolved":true,"started":"2024-05-12T23:15:45Z","tags":["C_Member","V"],"spawned":["14610","14611"],"markers":[{"time":201897,"type":"HOLD"},{"type":"UNHOLD","time":5,"note":"n"}],"quality":{"in_mos":4.1},"sentiments":[{"speaker":"caller","average":-0.25}]}',
    true,
  ],
  ['{"id":14604,"agent":{},"score":-0.125,"duration":0,"tags":[],"spawned":[],"markers":[]}', true],
  ['{"id":"1","name":"","agent":null,"score":"","duration":"","parent":"","resolved":"","started":""}', true],
  [
    '{"id":"2","name":null,"tags":null,"spawned":null,"markers":null,"quality":null,"started":"2024-02-29T08:10:01.5+00:00"}',
    true,
  ],
  ['{"id":"3","name":true,"resolved":false,"agent":{"agentId":null,"email":""}}', true],
  ['{"id":"4","markers":[{}],"spawned":[""]}', true],
  ['{"id":"5","unknown":1}', false],
  ['{"id":"6","agent":{"agentId":"a","team":"t"}}', false],
  ['{"id":"7","agent":{"agentId":"a","agentId":"b"}}', false],
  ['{"id":"8","agent":{"agentId":5}}', false],
  ['{"id":"9","agent":"x"}', false],
  ['{"id":"10","agent":[]}', false],
  ['{"id":"11","score":"87.5"}', false],
  ['{"id":"12","score":1e3}', false],
  ['{"id":"13","duration":7.0}', false],
  ['{"id":"14","duration":7.5}', false],
  ['{"id":"15","duration":"7"}', false],
  ['{"id":"16","parent":-1}', false],
  ['{"id":"17","resolved":"true"}', false],
  ['{"id":"18","started":"2024-05-12T23:15:45.123456Z"}', false],
  ['{"id":"19","started":"2024-05-12T23:15:45+02:00"}', false],
  ['{"id":"20","started":"2024-05-12 23:15:45"}', false],
  ['{"id":"21","tags":[null]}', false],
  ['{"id":"22","tags":[7]}', false],
  ['{"id":"23","tags":"a"}', false],
  ['{"id":"24","spawned":[14610]}', true],
  ['{"id":"25","spawned":["x"]}', false],
  ['{"id":"26","markers":[null]}', false],
  ['{"id":"27","markers":[{"time":"5"}]}', false],
  ['{"id":"28","markers":[{"time":5,"extra":1}]}', false],
  ['{"id":"29","markers":[{"time":5,"time":6}]}', false],
  ['{"id":"30","markers":[{"type":{"a":1}}]}', false],
  ['{"id":"31","quality":"{}"}', false],
  ['{"id":"32","sentiments":{}}', false],
  ['{"id":""}', false],
  ['{"id":null}', false],
  ['{"name":"no id"}', false],
  ['{"id":"1.0"}', false],
  ['{"ID":"33"}', false],
  ['{"id":"34","markers":[{"note":"\\u00e9 \\" ok"}],"name":"\\t"}', true],
  ['{"id":"35","agent":{"agentId":"\\u0000"}}', false],
  ['{"id":"36","score":0.1,"duration":-42}', true],
  ['{"id":"37","started":"2024-05-12T25:15:45Z"}', false],
  ['{"id":"38","started":"2023-02-29T08:10:01Z"}', false],
  ['{"id":"39","started":"2024-05-12T23:15:45.1234Z"}', false],
  ['{"id":"40","started":"2024-05-12T23:15:45.12+00:00","parent":"007","duration":-0}', true],
  ['{"id":"41","score":12345678901234567}', false],
  ['{"id":"42","started":"2024-05-12T23:60:45Z"}', false],
  ['{"id":"43","score":1.5e2,"duration":1E3}', false],
  ['{"id":"44","score":-0.0}', false],
  ['{"id":"45","score":-0}', false],
  ['{"id":"46","quality":{"mos":4.0}}', false],
  ['{"id":"47","sentiments":[{"average":0.0}]}', false],
  ['{"id":"48","quality":{"mos":4.25,"jitter":[1,2],"loss":-0.5}}', true],
  ['{"id":"49","tags":["a",7]}', false],
  ['{"id":"50","tags":["a","b",null]}', false],
  ['{"id":"51","tags":["a","b","c"],"quality":{"k":["x","y"],"l":{"m":"n","o":"p"}}}', true],
];
const exactContext = { values: {}, where: "" };

/** Variations inside the nested values: an agent's keys and a marker's keys replaced one at a time. */
function nestedMutations(text: string): string[] {
  const value = JSON.parse(text) as Record<string, unknown>;
  const replacements: unknown[] = [7, 7.5, "7", "", null, true, "true", [], {}, "2024-05-03T08:10:01Z", -1];
  const out: string[] = [];
  const agent = value.agent as Record<string, unknown> | null | undefined;
  for (const key of Object.keys(agent ?? {}))
    for (const replacement of replacements)
      out.push(JSON.stringify({ ...value, agent: { ...agent, [key]: replacement } }));
  const markers = value.markers as Record<string, unknown>[] | null | undefined;
  const first = markers?.[0];
  if (markers && first)
    for (const key of ["time", "type", "note"])
      for (const replacement of replacements)
        out.push(JSON.stringify({ ...value, markers: [{ ...first, [key]: replacement }, ...markers.slice(1)] }));
  for (const replacement of replacements) out.push(JSON.stringify({ ...value, spawned: [replacement] }));
  return out;
}

describe("mapping SQL generated from a RecordMapping with exact keys and nested fields", () => {
  const exact = paths(exactStream, exactContext);

  test("the scanner tells the usual forms as the table says", () => {
    expect(exactRecords.map(([text]) => `${exact.usual(text)} ${text.slice(0, 60)}`)).toEqual(
      exactRecords.map(([text, fast]) => `${fast} ${text.slice(0, 60)}`),
    );
  });

  test("the scanner gives each usual record's key as the JavaScript mapper reads it", () => {
    const usualRecords = exactRecords.filter(([text]) => exact.usual(text));
    expect(usualRecords.length).toBeGreaterThan(5);
    for (const [text] of usualRecords) {
      const [scanned, mapped] = exact.keys(text);
      expect(scanned, text).toEqual(mapped);
    }
  });

  test("every record the scanner calls usual, and every variation of one, is stored by DuckDB's reader and the generated SQL exactly as the JavaScript path stores it", async () => {
    const candidates = [
      ...exactRecords.map(([text]) => text),
      ...exactRecords.filter(([, fast]) => fast).flatMap(([text]) => [...mutations(text), ...nestedMutations(text)]),
    ];
    let checked = 0;
    for (const [index, text] of candidates.entries()) {
      if (!exact.usual(text)) continue;
      const javaScript = await exact.fromJavaScript(text, index);
      expect(
        typeof javaScript,
        `the JavaScript path refuses a record called usual: ${text}: ${String(javaScript)}`,
      ).toBe("object");
      const sql = await exact.fromSql(text, index);
      expect(sql, text).toEqual(javaScript);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(100);
  });
});
