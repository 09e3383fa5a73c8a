import { afterEach, describe, expect, test } from "vitest";
import { parseConfig } from "../config/parse-config.ts";
import { AuthError } from "../errors/auth-error.ts";
import { silentLogger } from "../logging/logger.ts";
import { isValidIdentifier } from "../schema/logical-type.ts";
import { createRecordValidator, type SourceRecord } from "../schema/record-validator.ts";
import type { ReadContext, Source, SourceFactory, SourceMessage } from "../source/source.ts";
import type { JsonValue } from "../state/json-value.ts";

/** A running emulator and the settings that point a source at it. */
export interface SourceScenario {
  /** Valid settings (as a user writes them, before parsing) pointing at the emulator. */
  readonly settings: Record<string, unknown>;
  /** The same settings with a credential the emulator refuses. */
  readonly badCredentialSettings: Record<string, unknown>;
  /** The secret values in `settings`, which must never appear in state or errors. */
  readonly secrets: readonly string[];
  /** Distinct primary keys each stream must deliver when read from scratch. */
  readonly expectedKeys: Readonly<Record<string, number>>;
  /** Records a read from the final state may re-deliver by design (e.g. a lookback window); 0 when none. */
  readonly rereadAfterFinalState?: number;
  /** The run's clock (sources that read "up to yesterday" need a pinned one). */
  readonly now?: () => Date;
  stop(): Promise<void>;
}

export interface SourceHarness {
  readonly factory: SourceFactory;
  start(): Promise<SourceScenario>;
  /** Settings that must be refused, each with the path the error must name (relative to the source entry). */
  readonly invalidSettings: readonly { readonly settings: Record<string, unknown>; readonly path: string }[];
}

interface ReadLog {
  readonly records: Map<string, SourceRecord[]>;
  readonly checkpoints: {
    readonly stream: string;
    readonly state: JsonValue;
    readonly recordsBefore: Map<string, number>;
  }[];
  readonly finalState: Map<string, JsonValue>;
  rejects: number;
}

function keyOf(source: Source, stream: string, record: SourceRecord): string {
  const definition = source.streams.find((candidate) => candidate.name === stream);
  const key = definition?.primaryKey ?? [];
  return JSON.stringify(key.map((column) => record[column]));
}

async function readAll(source: Source, state: Map<string, JsonValue>, now?: () => Date): Promise<ReadLog> {
  const log: ReadLog = { records: new Map(), checkpoints: [], finalState: new Map(state), rejects: 0 };
  const context: ReadContext = {
    state,
    streams: new Set(source.streams.map((stream) => stream.name)),
    logger: silentLogger,
    signal: new AbortController().signal,
    progress: () => {},
    now: now ?? (() => new Date()),
  };
  for await (const message of source.read(context) as AsyncIterable<SourceMessage>) {
    if (message.kind === "record") {
      const list = log.records.get(message.stream) ?? [];
      list.push(message.record);
      log.records.set(message.stream, list);
    } else if (message.kind === "reject") {
      log.rejects += 1;
    } else if (message.kind === "raw") {
      throw new Error(`${message.stream}: a raw record although the reader did not ask for raw records`);
    } else {
      log.checkpoints.push({
        stream: message.stream,
        state: message.state,
        recordsBefore: new Map([...log.records].map(([name, list]) => [name, list.length])),
      });
      log.finalState.set(message.stream, message.state);
    }
  }
  return log;
}

/** The behaviour every connector must show against its vendor emulator, written once. */
export function describeSourceConformance(name: string, harness: SourceHarness): void {
  describe(`source conformance: ${name}`, () => {
    const scenarios: SourceScenario[] = [];
    const sources: Source[] = [];
    afterEach(async () => {
      for (const source of sources.splice(0)) await source.close();
      for (const scenario of scenarios.splice(0)) await scenario.stop();
    });
    const start = async (): Promise<SourceScenario> => {
      const scenario = await harness.start();
      scenarios.push(scenario);
      return scenario;
    };
    const create = (settings: Record<string, unknown>): Source => {
      const parsed = parseConfig(harness.factory.configSchema, settings);
      if (!parsed.ok) throw new Error(`settings refused: ${JSON.stringify(parsed.issues)}`);
      const source = harness.factory.create(parsed.config);
      sources.push(source);
      return source;
    };

    test("declares valid streams: identifiers, key and event-time columns that exist", async () => {
      const scenario = await start();
      const source = create(scenario.settings);
      expect(source.apiVersion).toBe(1);
      expect(source.streams.length).toBeGreaterThan(0);
      for (const stream of source.streams) {
        expect(isValidIdentifier(stream.name), stream.name).toBe(true);
        const columns = new Set(stream.columns.map((column) => column.name));
        for (const column of columns) expect(isValidIdentifier(column), column).toBe(true);
        for (const key of stream.primaryKey ?? []) expect(columns.has(key), `${stream.name}.${key}`).toBe(true);
        if (stream.eventTimeColumn !== undefined) expect(columns.has(stream.eventTimeColumn)).toBe(true);
      }
    });

    test("refuses invalid settings, naming the field", () => {
      expect(harness.invalidSettings.length).toBeGreaterThan(0);
      for (const invalid of harness.invalidSettings) {
        const parsed = parseConfig(harness.factory.configSchema, invalid.settings);
        expect(parsed.ok, JSON.stringify(invalid.settings)).toBe(false);
        if (!parsed.ok) expect(parsed.issues.map((issue) => issue.path)).toContain(invalid.path);
      }
    });

    test("check() reaches the emulator, and refused credentials are an AuthError that never shows the secret", async () => {
      const scenario = await start();
      await create(scenario.settings).check({ logger: silentLogger, signal: new AbortController().signal });
      const refused = await create(scenario.badCredentialSettings)
        .check({ logger: silentLogger, signal: new AbortController().signal })
        .catch((error: unknown) => error);
      expect(AuthError.isInstance(refused), String(refused)).toBe(true);
      const bad = await readAll(create(scenario.badCredentialSettings), new Map(), scenario.now).catch(
        (error: unknown) => error,
      );
      expect(AuthError.isInstance(bad), String(bad)).toBe(true);
      for (const secret of scenario.secrets) {
        expect(String((refused as Error).message) + JSON.stringify(refused)).not.toContain(secret);
        expect(String((bad as Error).message)).not.toContain(secret);
      }
    });

    test("pages to the end: every expected key, valid records, checkpoints for every stream", async () => {
      const scenario = await start();
      const source = create(scenario.settings);
      const log = await readAll(source, new Map(), scenario.now);
      for (const stream of source.streams) {
        const records = log.records.get(stream.name) ?? [];
        const validate = createRecordValidator(stream);
        const invalid = records.map(validate).filter((result) => !result.ok);
        expect(invalid.slice(0, 3), `${stream.name} records that fail their own schema`).toEqual([]);
        const keys = new Set(records.map((record) => keyOf(source, stream.name, record)));
        expect(keys.size, `${stream.name} distinct keys`).toBe(scenario.expectedKeys[stream.name]);
        expect(
          log.checkpoints.some((checkpoint) => checkpoint.stream === stream.name),
          `${stream.name} checkpoints`,
        ).toBe(true);
      }
    });

    test("checkpoint state is JSON, matches the state schema, and holds no secret", async () => {
      const scenario = await start();
      const source = create(scenario.settings);
      const log = await readAll(source, new Map(), scenario.now);
      for (const checkpoint of log.checkpoints) {
        const text = JSON.stringify(checkpoint.state);
        expect(JSON.parse(text)).toEqual(checkpoint.state);
        expect(source.stateSchema.safeParse(checkpoint.state).success, text).toBe(true);
        for (const secret of scenario.secrets) expect(text).not.toContain(secret);
      }
    });

    test("resumes from any checkpoint without losing a record, and from the final state reads nothing new", async () => {
      const scenario = await start();
      const full = await readAll(create(scenario.settings), new Map(), scenario.now);
      const middle = full.checkpoints[Math.floor(full.checkpoints.length / 2)];
      expect(middle).toBeDefined();
      if (middle === undefined) return;
      // Each stream resumes from its own last checkpoint before `middle`; records it emitted after that
      // checkpoint must come again, so only records covered by it count as already delivered.
      const resumeState = new Map<string, JsonValue>();
      const coveredCount = new Map<string, number>();
      for (const checkpoint of full.checkpoints.slice(0, full.checkpoints.indexOf(middle) + 1)) {
        resumeState.set(checkpoint.stream, checkpoint.state);
        coveredCount.set(checkpoint.stream, checkpoint.recordsBefore.get(checkpoint.stream) ?? 0);
      }
      const source = create(scenario.settings);
      const resumed = await readAll(source, resumeState, scenario.now);
      for (const stream of source.streams) {
        const before = (full.records.get(stream.name) ?? []).slice(0, coveredCount.get(stream.name) ?? 0);
        const keys = new Set(
          [...before, ...(resumed.records.get(stream.name) ?? [])].map((record) => keyOf(source, stream.name, record)),
        );
        expect(keys.size, `${stream.name}: keys after resuming from a checkpoint`).toBe(
          scenario.expectedKeys[stream.name],
        );
      }
      const again = await readAll(create(scenario.settings), full.finalState, scenario.now);
      const reread = [...again.records.values()].reduce((sum, list) => sum + list.length, 0);
      expect(reread).toBeLessThanOrEqual(scenario.rereadAfterFinalState ?? 0);
    });
  });
}
