import { randomUUID } from "node:crypto";
import {
  type CommandDone,
  COMMAND_ROLES,
  type Lease,
  type LeaseAsk,
  type LeaseGrant,
  type Reply,
  type SessionCommand,
  type SessionInstrument,
  type SessionUser,
  TelecalError,
  type UserInfo,
} from "@telecal/protocols";
import { RateLimiter } from "../../auth/rate-limit";
import { actorOf, type SessionJob } from "./access";
import type { CommandRelay } from "./command-relay";
import type { SessionContext, SessionOptions } from "./context";
import { checkEnvelope } from "@telecal/metrology";
import { checkCommand, type LeaseBook, type LeaseRow } from "./leases";
import { type LiveSession, sessionRoom } from "./registry";

/**
 * Control of the bench in a session: lease requests, grants, revokes and releases, and commands.
 * Lease changes and command checks of one instrument run one after another (LeaseBook.serial), and
 * each new epoch is told to the agent as well as to the room.
 */
export class SessionControl {
  private readonly commandLimit: RateLimiter;

  constructor(
    private readonly ctx: SessionContext,
    private readonly leases: LeaseBook,
    private readonly relay: CommandRelay,
    options: SessionOptions,
  ) {
    this.commandLimit = new RateLimiter(options.commandLimit.max, options.commandLimit.windowMs);
  }

  async request(socketId: string, info: UserInfo, body: LeaseAsk): Promise<Lease> {
    return this.ctx.act(socketId, info, body.jobId, "lease-request", body, null, async (session, user) => {
      if (!COMMAND_ROLES.has(user.role)) throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: user.role, what: "ask for control of an instrument" });
      const instrument = this.ctx.access.instrument(session.job, body.instrumentId);
      return this.leases.serial(instrument.instrumentId, async () => {
        const row = await this.leases.row(instrument.instrumentId);
        if (await this.leases.request(row, user)) await this.ctx.record(session, user, { event: "lease-requested", user, instrumentId: instrument.instrumentId });
        return this.changed(session, row);
      });
    });
  }

  async grant(socketId: string, info: UserInfo, body: LeaseGrant): Promise<Lease> {
    return this.ctx.act(socketId, info, body.jobId, "lease-grant", body, null, async (session, user) => {
      this.mustGrant(session.job, user, "grant control");
      const instrument = this.ctx.access.instrument(session.job, body.instrumentId);
      const to = await this.ctx.roster.connected(session, body.to);
      if (!to) throw new TelecalError("TC_ERR_SESSION_NOT_PARTICIPANT", { user: body.to, job: session.job.id });
      return this.leases.serial(instrument.instrumentId, async () => {
        const row = await this.leases.change(instrument.instrumentId, session.job.id, to, actorOf(user));
        await this.ctx.record(session, user, { event: "lease-granted", user, instrumentId: instrument.instrumentId, to, epoch: row.epoch });
        return this.moved(session, instrument, row);
      });
    });
  }

  async revoke(socketId: string, info: UserInfo, body: LeaseAsk): Promise<Lease> {
    return this.ctx.act(socketId, info, body.jobId, "lease-revoke", body, null, async (session, user) => {
      this.mustGrant(session.job, user, "revoke control");
      const instrument = this.ctx.access.instrument(session.job, body.instrumentId);
      return this.leases.serial(instrument.instrumentId, async () => {
        const from = (await this.leases.row(instrument.instrumentId)).holder;
        const row = await this.leases.change(instrument.instrumentId, session.job.id, null, null);
        await this.ctx.record(session, user, { event: "lease-revoked", user, instrumentId: instrument.instrumentId, from, epoch: row.epoch });
        return this.moved(session, instrument, row);
      });
    });
  }

  async release(socketId: string, info: UserInfo, body: LeaseAsk): Promise<Lease> {
    return this.ctx.act(socketId, info, body.jobId, "lease-release", body, null, async (session, user) => {
      const instrument = this.ctx.access.instrument(session.job, body.instrumentId);
      return this.leases.serial(instrument.instrumentId, async () => {
        const held = await this.leases.row(instrument.instrumentId);
        if (held.holder?.userId !== user.userId || held.jobId !== session.job.id) {
          throw new TelecalError("TC_ERR_LEASE_REQUIRED", { who: `${user.role} ${user.username}`, instrument: instrument.instrumentId });
        }
        return this.giveBack(session, user, instrument);
      });
    });
  }

  /**
   * A command: role, instrument, epoch, holder and the job's output envelope checked (each refusal
   * recorded with its code), then recorded, sent to the agent, and the agent's outcome recorded and
   * answered.
   */
  async command(socketId: string, info: UserInfo, body: SessionCommand): Promise<Reply<CommandDone>> {
    const commandId = randomUUID();
    const limit = { limiter: this.commandLimit, what: "commands" };
    const sent = await this.ctx.act(socketId, info, body.jobId, "command", body, limit, async (session, user) => {
      if (!COMMAND_ROLES.has(user.role)) throw new TelecalError("TC_ERR_AUTH_FORBIDDEN", { role: user.role, what: "command an instrument" });
      const instrument = this.ctx.access.instrument(session.job, body.instrumentId);
      // Checked and sent in the instrument's queue: a revoke waits until the command is with the agent.
      return this.leases.serial(instrument.instrumentId, async () => {
        checkCommand(await this.leases.row(instrument.instrumentId), user, session.job.id, body.epoch);
        checkEnvelope(session.job.id, instrument, body.command);
        await this.ctx.record(session, user, { event: "command", user, commandId, instrumentId: instrument.instrumentId, epoch: body.epoch, command: body.command });
        const outcome = this.relay.send(instrument.agentId, {
          commandId,
          jobId: session.job.id,
          instrument: instrument.agentInstrumentId,
          epoch: body.epoch,
          command: body.command,
          by: actorOf(user),
        });
        return { session, user, instrument, outcome };
      });
    });
    const outcome = await sent.outcome;
    await this.ctx.record(sent.session, sent.user, { event: "command-result", user: sent.user, commandId, instrumentId: sent.instrument.instrumentId, outcome });
    return outcome.ok ? { ok: true, commandId, epoch: body.epoch } : outcome;
  }

  /** Every instrument's lease of the session, for its state. */
  leasesOf(session: LiveSession): Promise<Lease[]> {
    return Promise.all(session.job.instruments.map((i) => this.leases.lease(i.instrumentId)));
  }

  /**
   * Someone who leaves (not one who drops: they may be back) gives up their requests and the
   * leases they hold in this job, each release a new epoch like any other.
   */
  async left(session: LiveSession, user: SessionUser): Promise<void> {
    const forgotten = new Set(await this.leases.forget(session.job.instruments.map((i) => i.instrumentId), user.userId));
    for (const instrument of session.job.instruments) {
      await this.leases.serial(instrument.instrumentId, async () => {
        const held = await this.leases.row(instrument.instrumentId);
        if (held.holder?.userId === user.userId && held.jobId === session.job.id) await this.giveBack(session, user, instrument);
        else if (forgotten.has(instrument.instrumentId)) await this.changed(session, held);
      });
    }
  }

  private mustGrant(job: SessionJob, user: SessionUser, what: string): void {
    if (!this.ctx.access.mayGrant(user, job)) throw new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `${user.role} ${user.username}`, what, job: job.id });
  }

  /** The holder gives the lease back: nobody holds it, under a new epoch. Run in the instrument's queue. */
  private async giveBack(session: LiveSession, user: SessionUser, instrument: SessionInstrument): Promise<Lease> {
    const row = await this.leases.change(instrument.instrumentId, session.job.id, null, null);
    await this.ctx.record(session, user, { event: "lease-released", user, instrumentId: instrument.instrumentId, epoch: row.epoch });
    return this.moved(session, instrument, row);
  }

  /** A new epoch: the agent is told (its own fence), then the room. */
  private moved(session: LiveSession, instrument: SessionInstrument, row: LeaseRow): Promise<Lease> {
    this.relay.epoch(instrument.agentId, { instrument: instrument.agentInstrumentId, epoch: row.epoch });
    return this.changed(session, row);
  }

  private async changed(session: LiveSession, row: LeaseRow): Promise<Lease> {
    const lease = await this.leases.toLease(row);
    this.ctx.broadcast(sessionRoom(session.job.id), "session:lease", { jobId: session.job.id, lease });
    return lease;
  }
}
