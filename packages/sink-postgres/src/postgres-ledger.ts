import {
  type LoadRecord,
  loadRecordFromRow,
  type RejectedRecord,
  type StateUpdate,
  type StoredState,
  storedStateFromRow,
} from "@parley/core";
import type { PoolClient } from "pg";
import { jsonText } from "./postgres-copy.ts";
import { qualified } from "./postgres-types.ts";

// Parley's own tables (`_parley_state`, `_parley_loads`, `_parley_rejects`): the SQL that reads and writes them.

function storable(text: string): string {
  return text.replaceAll("\0", "\uFFFD");
}

export async function insertRejects(
  client: PoolClient,
  schema: string,
  source: string,
  loadId: string,
  rejects: readonly RejectedRecord[],
): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(schema, "_parley_rejects")} (load_id, source, stream, reason, payload, rejected_at)
     SELECT $1, $2, stream, reason, payload, now() FROM unnest($3::text[], $4::text[], $5::text[]) AS reject(stream, reason, payload)`,
    [
      loadId,
      source,
      rejects.map((reject) => storable(reject.stream)),
      rejects.map((reject) => storable(reject.reason)),
      rejects.map((reject) => storable(reject.payload)),
    ],
  );
}

export async function upsertState(
  client: PoolClient,
  schema: string,
  state: StateUpdate,
  loadId: string,
): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(schema, "_parley_state")} (source, stream, state_version, state, load_id, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, now())
     ON CONFLICT (source, stream) DO UPDATE SET state_version = EXCLUDED.state_version, state = EXCLUDED.state, load_id = EXCLUDED.load_id, updated_at = EXCLUDED.updated_at`,
    [state.source, state.stream, state.version, jsonText(state.value), loadId],
  );
}

export async function readState(client: PoolClient, schema: string, source: string): Promise<StoredState[]> {
  const result = await client.query(
    `SELECT * FROM ${qualified(schema, "_parley_state")} WHERE source = $1 ORDER BY stream`,
    [source],
  );
  return result.rows.map(storedStateFromRow);
}

export async function resetState(
  client: PoolClient,
  schema: string,
  source: string,
  streams: readonly string[] | undefined,
): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${qualified(schema, "_parley_state")} WHERE source = $1 AND ($2::text[] IS NULL OR stream = ANY($2::text[]))`,
    [source, streams ?? null],
  );
  return result.rowCount ?? 0;
}

export async function startLoad(
  client: PoolClient,
  schema: string,
  load: { loadId: string; source: string; startedAt: string },
): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(schema, "_parley_loads")} (load_id, source, started_at, status) VALUES ($1, $2, $3, 'running')`,
    [load.loadId, load.source, load.startedAt],
  );
}

export async function finishLoad(client: PoolClient, schema: string, load: LoadRecord): Promise<void> {
  await client.query(
    `INSERT INTO ${qualified(schema, "_parley_loads")} (load_id, source, started_at, finished_at, status, streams, error)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)
     ON CONFLICT (load_id) DO UPDATE SET source = EXCLUDED.source, started_at = EXCLUDED.started_at, finished_at = EXCLUDED.finished_at,
       status = EXCLUDED.status, streams = EXCLUDED.streams, error = EXCLUDED.error`,
    [load.loadId, load.source, load.startedAt, load.finishedAt, load.status, jsonText(load.streams), load.error],
  );
}

export async function listLoads(
  client: PoolClient,
  schema: string,
  source: string | undefined,
  limit: number,
): Promise<LoadRecord[]> {
  const result = await client.query(
    `SELECT * FROM ${qualified(schema, "_parley_loads")} WHERE ($1::text IS NULL OR source = $1) ORDER BY started_at DESC, load_id DESC LIMIT $2`,
    [source ?? null, Math.max(1, Math.floor(limit))],
  );
  return result.rows.map(loadRecordFromRow);
}
