import { checkEnvelope } from "@telecal/metrology";
import { AgentCommand, AgentLeaseEpoch, isTelecalError, type OutputEnvelope, type Reply, TelecalError, validationError } from "@telecal/protocols";
import { PolledInstrument } from "../instruments/polled-instrument";
import type { InstrumentRuntime } from "../instruments/runtime";
import type { Logger } from "../log";

/** What was applied: one command as the agent ran it. */
export interface AppliedCommand {
  command: AgentCommand;
  property: string;
  value: number | string;
}

/**
 * Commands from a session's lease holder, as the server forwards them (the second gate of DESIGN.md).
 * The agent keeps the highest lease epoch it has seen per instrument, from commands and from the
 * server's epoch notices, and refuses a command with a lower one: a command overtaken by a revoke on
 * the way is never applied. The driver's `control` section maps the command to a property; the
 * driver then checks ranges (the third gate).
 */
export class RemoteCommands {
  private readonly epochs = new Map<string, number>();
  /** Instruments a remote holder has commanded since the last standby: the ones a lost link leaves unwatched. */
  private readonly driven = new Set<string>();
  /** The output envelope of an instrument in a job this agent runs; null: not such a job or instrument. */
  private envelopes: ((jobId: string, instrument: string) => OutputEnvelope[] | null) | null = null;
  private readonly listeners = new Set<(applied: AppliedCommand) => void>();
  private readonly log: Logger;

  constructor(
    private readonly instruments: readonly InstrumentRuntime[],
    log: Logger,
    /** Instruments the bench lets remote holders command (`remoteControl: true` in the agent's config). */
    private readonly granted: ReadonlySet<string>,
  ) {
    this.log = log.child({ ns: "remote-commands" });
  }

  /** The highest lease epoch seen for an instrument (0: none yet). */
  epoch(instrument: string): number {
    return this.epochs.get(instrument) ?? 0;
  }

  /** From now on a command must be for a job this agent runs, and a set point within that job's envelope. */
  useEnvelopes(envelopes: (jobId: string, instrument: string) => OutputEnvelope[] | null): void {
    this.envelopes = envelopes;
  }

  onApplied(listener: (applied: AppliedCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** A lease's new epoch from the server. */
  leaseEpoch(raw: unknown): void {
    const parsed = AgentLeaseEpoch.safeParse(raw);
    if (!parsed.success) return void this.log.warn({ issues: parsed.error.message }, "bad lease epoch notice");
    this.raise(parsed.data.instrument, parsed.data.epoch);
  }

  /** Applies a command; answers the ack the server waits for. */
  async execute(raw: unknown): Promise<Reply<{ commandId: string }>> {
    try {
      const parsed = AgentCommand.safeParse(raw);
      if (!parsed.success) throw validationError("command", parsed.error);
      const command = parsed.data;
      if (!this.granted.has(command.instrument)) throw new TelecalError("TC_ERR_COMMAND_NOT_GRANTED", { instrument: command.instrument });
      const current = this.epoch(command.instrument);
      if (command.epoch < current) {
        throw new TelecalError("TC_ERR_LEASE_STALE_EPOCH", { instrument: command.instrument, epoch: command.epoch, current });
      }
      this.raise(command.instrument, command.epoch);
      const { instrument, property, value } = this.resolve(command);
      if (this.envelopes) {
        const envelope = this.envelopes(command.jobId, command.instrument);
        if (envelope === null) {
          throw new TelecalError("TC_ERR_COMMAND_UNSUPPORTED", { instrument: command.instrument, command: command.command.kind, reason: `job ${command.jobId} is not running on this agent with this instrument` });
        }
        // The server checked this too; the agent holds the line on its own (DESIGN.md, the agent's gate).
        checkEnvelope(command.jobId, { instrumentId: command.instrument, envelope }, command.command);
      }
      await instrument.setProperty(property, value);
      this.driven.add(command.instrument);
      this.log.info({ commandId: command.commandId, instrument: command.instrument, property, value, by: command.by, epoch: command.epoch }, "remote command applied");
      for (const listener of this.listeners) listener({ command, property, value });
      return { ok: true, commandId: command.commandId };
    } catch (err) {
      const error = isTelecalError(err) ? err : new TelecalError("TC_ERR_INTERNAL", { reason: String(err) });
      this.log.warn({ error: error.message }, "remote command refused");
      return { ok: false, error: error.toBody() };
    }
  }

  /**
   * The server link is lost: every source a remote holder has commanded goes to standby (output off),
   * since nobody remote can see or stop it now (DESIGN.md, the agent's gate: standby on heartbeat
   * loss). Steps the agent's own job runner takes are not touched: a job goes on without the link.
   * Answers the instruments put in standby.
   */
  async standbyRemote(reason: string): Promise<string[]> {
    const done: string[] = [];
    for (const id of [...this.driven]) {
      const instrument = this.instruments.find((i) => i.id === id);
      const output = instrument instanceof PolledInstrument ? instrument.driver.control?.output : undefined;
      if (!(instrument instanceof PolledInstrument) || !output) continue;
      try {
        await instrument.setProperty(output.property, output.off);
        this.driven.delete(id);
        done.push(id);
        this.log.warn({ instrument: id, property: output.property, value: output.off, reason }, "server link lost under remote control: output to standby");
      } catch (err) {
        // The instrument's own link may be down too; the next loss of the server link tries again.
        this.log.error({ instrument: id, err: String(err) }, "server link lost under remote control, and standby failed");
      }
    }
    return done;
  }

  private raise(instrument: string, epoch: number): void {
    if (epoch > this.epoch(instrument)) this.epochs.set(instrument, epoch);
  }

  private resolve(command: AgentCommand): { instrument: PolledInstrument; property: string; value: number | string } {
    const instrument = this.instruments.find((i) => i.id === command.instrument);
    const unsupported = (what: string, reason: string) => new TelecalError("TC_ERR_COMMAND_UNSUPPORTED", { instrument: command.instrument, command: what, reason });
    const c = command.command;
    const what = c.kind === "set" ? `set ${c.value} ${c.unit}` : `switch its output ${c.on ? "on" : "off"}`;
    if (!instrument) throw unsupported(what, "no such instrument on this agent");
    if (!(instrument instanceof PolledInstrument)) throw unsupported(what, "it is read, not commanded");
    const control = instrument.driver.control;
    if (c.kind === "set") {
      const property = control?.setpoints[c.unit];
      if (property === undefined) throw unsupported(what, `driver ${instrument.driver.name} takes no set point in ${c.unit}`);
      return { instrument, property, value: c.value };
    }
    if (!control?.output) throw unsupported(what, `driver ${instrument.driver.name} has no output switch`);
    return { instrument, property: control.output.property, value: c.on ? control.output.on : control.output.off };
  }
}
