import { COMMAND_ROLES, type Lease, parseJson, SessionUser, TelecalError } from "@telecal/protocols";
import { type Kysely, sql } from "kysely";
import type { Schema } from "../../store/schema";
import type { InstrumentLeasesTable } from "./schema";

/** A lease as the store holds it. */
export interface LeaseRow {
  instrumentId: string;
  epoch: number;
  jobId: string | null;
  holder: SessionUser | null;
  grantedBy: string | null;
  at: number | null;
}

function toRow(r: InstrumentLeasesTable): LeaseRow {
  return {
    instrumentId: r.instrument_id,
    epoch: Number(r.epoch),
    jobId: r.job_id,
    holder: r.holder === null ? null : parseJson(SessionUser, r.holder, `lease holder of instrument ${r.instrument_id}`, "TC_ERR_STORED_INVALID"),
    grantedBy: r.granted_by,
    at: r.changed_at,
  };
}

/**
 * Control leases: one holder per instrument, with a fencing epoch kept in the store that rises at
 * every grant, revoke and release. Every change and every command check on one instrument runs after
 * the one before (a queue per instrument), so a command checked against an epoch is sent before a
 * revoke that follows it is applied, or refused; agents are told each new epoch as a second fence.
 */
export class LeaseBook {
  private readonly queues = new Map<string, Promise<unknown>>();

  constructor(private readonly db: Kysely<Schema>) {}

  /** Runs `fn` once the earlier operations on the instrument are done. */
  serial<T>(instrumentId: string, fn: () => Promise<T>): Promise<T> {
    const run = (this.queues.get(instrumentId) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    this.queues.set(instrumentId, tail);
    void tail.then(() => {
      if (this.queues.get(instrumentId) === tail) this.queues.delete(instrumentId);
    });
    return run;
  }

  async row(instrumentId: string): Promise<LeaseRow> {
    const r = await this.db.selectFrom("instrument_leases").selectAll().where("instrument_id", "=", instrumentId).executeTakeFirst();
    return r ? toRow(r) : { instrumentId, epoch: 0, jobId: null, holder: null, grantedBy: null, at: null };
  }

  async lease(instrumentId: string): Promise<Lease> {
    return this.toLease(await this.row(instrumentId));
  }

  /**
   * Adds a request, in the store so that every server process of a cluster sees it; asking again,
   * or asking for what one holds, changes nothing. Answers whether it was added.
   */
  async request(row: LeaseRow, user: SessionUser, now = Date.now()): Promise<boolean> {
    if (row.holder?.userId === user.userId) return false;
    const added = await this.db
      .insertInto("lease_requests")
      .values({ instrument_id: row.instrumentId, user_id: user.userId, user: JSON.stringify(user), asked_at: now })
      .onConflict((oc) => oc.columns(["instrument_id", "user_id"]).doNothing())
      .executeTakeFirst();
    return Number(added.numInsertedOrUpdatedRows ?? 0) > 0;
  }

  /** Drops a person's requests in a session they left; answers the instruments whose requests changed. */
  async forget(instrumentIds: readonly string[], userId: string): Promise<string[]> {
    if (instrumentIds.length === 0) return [];
    const gone = await this.db
      .deleteFrom("lease_requests")
      .where("instrument_id", "in", [...instrumentIds])
      .where("user_id", "=", userId)
      .returning("instrument_id")
      .execute();
    return gone.map((r) => r.instrument_id);
  }

  /**
   * A new holder (or none) for the instrument under a new epoch, stored in one statement so that two
   * servers on one database never hand out the same epoch.
   */
  async change(instrumentId: string, jobId: string, holder: SessionUser | null, grantedBy: string | null, now = Date.now()): Promise<LeaseRow> {
    if (holder !== null && !COMMAND_ROLES.has(holder.role)) {
      throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: holder.role, what: "hold control of an instrument" });
    }
    const values = {
      job_id: jobId,
      holder_user_id: holder?.userId ?? null,
      holder: holder === null ? null : JSON.stringify(holder),
      granted_by: grantedBy,
      changed_at: now,
    };
    const row = await this.db
      .insertInto("instrument_leases")
      .values({ instrument_id: instrumentId, epoch: 1, ...values })
      .onConflict((oc) => oc.column("instrument_id").doUpdateSet({ epoch: sql<number>`instrument_leases.epoch + 1`, ...values }))
      .returningAll()
      .executeTakeFirstOrThrow();
    if (holder !== null) await this.forget([instrumentId], holder.userId);
    return toRow(row);
  }

  async toLease(row: LeaseRow): Promise<Lease> {
    const requests = await this.db
      .selectFrom("lease_requests")
      .select(["user", "user_id"])
      .where("instrument_id", "=", row.instrumentId)
      .orderBy("asked_at")
      .orderBy("user_id")
      .execute();
    return {
      instrumentId: row.instrumentId,
      epoch: row.epoch,
      holder: row.holder,
      grantedBy: row.grantedBy,
      at: row.at,
      requests: requests.map((r) => parseJson(SessionUser, r.user, `lease request of ${r.user_id} for instrument ${row.instrumentId}`, "TC_ERR_STORED_INVALID")),
    };
  }
}

/**
 * The server's gate for a command (DESIGN.md, first gate), in this order: the epoch must be the
 * lease's current one (a stale epoch means control was revoked or passed on since), then the sender
 * must be the holder, in this job's session.
 */
export function checkCommand(row: LeaseRow, user: SessionUser, jobId: string, epoch: number): void {
  if (epoch !== row.epoch) throw new TelecalError("TC_ERR_LEASE_STALE_EPOCH", { instrument: row.instrumentId, epoch, current: row.epoch });
  if (row.holder?.userId !== user.userId || row.jobId !== jobId) {
    throw new TelecalError("TC_ERR_LEASE_REQUIRED", { who: `${user.role} ${user.username}`, instrument: row.instrumentId });
  }
}
