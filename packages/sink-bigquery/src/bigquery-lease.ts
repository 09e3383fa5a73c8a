import { randomUUID } from "node:crypto";
import type { HeldWarehouseLock } from "@parley/core/warehouse";
import type { BigquerySession } from "./bigquery-session.ts";
import { quoteString } from "./bigquery-types.ts";

export interface LeaseTiming {
  /** How long a lease lasts without renewal. */
  readonly leaseMs: number;
  /** A write is refused once less than this is left of the lease: its script must finish before it ends. */
  readonly marginMs: number;
}

/** A sink lock is a lease row: renewed while its run lives, taken over once it expired. */
export const defaultLeaseTiming: LeaseTiming = { leaseMs: 10 * 60 * 1000, marginMs: 3 * 60 * 1000 };

function timestamp(milliseconds: number): string {
  return `CAST(${quoteString(new Date(milliseconds).toISOString())} AS TIMESTAMP)`;
}

/** What the in-transaction check raises: the driver recognises it in a failed script by this text. */
const lostInTransaction = "this run's sink lock was taken over or ran out before the transaction committed";

/**
 * A transaction script that failed on the lease check, as an error that says so (instead of BigQuery's generic
 * refusal of the SQL); undefined for any other failure.
 */
export function leaseLostError(error: unknown): Error | undefined {
  if (!describe(error).includes(lostInTransaction)) return undefined;
  return new Error(
    `BigQuery refused the transaction: ${lostInTransaction}, so nothing of it was stored. Another run may be loading this source now; run again once it has ended (the load resumes from its stored state).`,
    { cause: error },
  );
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Takes the lease called `name` in `table` (columns name, holder, token, expires_at) without waiting. The claim is
 * one conditional UPDATE: BigQuery runs mutating DML on one table one statement after another (a conflicting one
 * is retried or fails), so while no live lease exists exactly one taker changes the rows, and a taker knows it won
 * by its own random token. Inserts do not conflict in BigQuery, so two takers may both add the name's row; the
 * claim then takes all of the name's rows together or none.
 */
export async function takeLease(
  session: BigquerySession,
  table: string,
  name: string,
  holder: string,
  timing: LeaseTiming,
): Promise<HeldWarehouseLock | { heldBy: string | undefined }> {
  const token = randomUUID();
  const named = `name = ${quoteString(name)}`;
  await session.script(
    "lock",
    `INSERT INTO ${table} (name, holder, token, expires_at) SELECT ${quoteString(name)}, '', '', ${timestamp(0)} FROM (SELECT 1 AS one) AS single WHERE NOT EXISTS (SELECT 1 FROM ${table} WHERE ${named})`,
  );
  const start = Date.now();
  await session
    .script(
      "lock",
      `UPDATE ${table} SET holder = ${quoteString(holder)}, token = ${quoteString(token)}, expires_at = ${timestamp(start + timing.leaseMs)} WHERE ${named} AND NOT EXISTS (SELECT 1 FROM ${table} AS live WHERE live.${named} AND live.expires_at >= ${timestamp(start)})`,
    )
    .catch((error: unknown) => {
      // A claim that lost a conflict to another taker's is a refusal; who holds the lease is read below.
      if (!/concurrent update/i.test(describe(error))) throw error;
    });
  const live = await session.select(
    `SELECT holder, token FROM ${table} WHERE ${named} AND expires_at >= ${timestamp(Date.now())}`,
  );
  if (!live.some((lease) => lease.token === token))
    return { heldBy: live[0] === undefined ? undefined : String(live[0].holder) };
  return heldLease(session, table, token, start + timing.leaseMs, timing);
}

function heldLease(
  session: BigquerySession,
  table: string,
  token: string,
  expiresAt: number,
  timing: LeaseTiming,
): HeldWarehouseLock {
  const ours = `token = ${quoteString(token)}`;
  let validUntil = expiresAt;
  let lost: string | undefined;
  let renewalError: unknown;
  const renew = async () => {
    const start = Date.now();
    try {
      // Only a live lease is extended: once expired, another run may have taken it over.
      await session.script(
        "renew_lock",
        `UPDATE ${table} SET expires_at = ${timestamp(start + timing.leaseMs)} WHERE ${ours} AND expires_at >= ${timestamp(start)}`,
      );
      const [row] = await session.select(`SELECT MAX(expires_at) AS expires_at FROM ${table} WHERE ${ours}`);
      const stored = row?.expires_at == null ? Number.NaN : Date.parse(String(row.expires_at));
      if (Number.isNaN(stored)) lost ??= "its lease was taken over by another run";
      else if (stored < start) lost ??= `its lease ran out at ${new Date(stored).toISOString()} before it was renewed`;
      else validUntil = Math.max(validUntil, stored);
      renewalError = undefined;
    } catch (error) {
      renewalError = error;
    }
  };
  let renewing: Promise<void> = Promise.resolve();
  const renewal = setInterval(() => {
    renewing = renew();
  }, timing.leaseMs / 3);
  renewal.unref();
  return {
    release: async () => {
      clearInterval(renewal);
      await renewing;
      await session.script("unlock", `UPDATE ${table} SET expires_at = ${timestamp(0)} WHERE ${ours}`);
    },
    async assertHeld(transaction) {
      if (lost !== undefined) throw new Error(lost);
      if (Date.now() + timing.marginMs > validUntil) {
        const why = renewalError === undefined ? "" : ` (renewing it failed: ${describe(renewalError)})`;
        throw new Error(`its lease ran out at ${new Date(validUntil).toISOString()} without being renewed${why}`);
      }
      // The script's last statement before COMMIT: a lease taken over meanwhile fails the whole transaction.
      await transaction.run(
        `SELECT IF((SELECT COUNT(*) FROM ${table} WHERE ${ours} AND expires_at >= CURRENT_TIMESTAMP()) > 0, 1, ERROR(${quoteString(lostInTransaction)}))`,
      );
    },
  };
}
