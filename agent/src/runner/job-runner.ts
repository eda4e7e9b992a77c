import { applyRunEvent, isBenchStep, type PlannedStep, type RunEvent, type RunState, runState, setValueAt } from "@telecal/metrology";
import { isTelecalError } from "@telecal/protocols";
import type { Logger } from "../log";
import type { Bench } from "./bench";
import type { RunJournal } from "./journal";
import type { People } from "./people";

/** Instrument errors that pass (a link coming back, a reply that was late): the step is tried again. */
const TRANSIENT = new Set(["TC_ERR_TRANSPORT_CLOSED", "TC_ERR_INSTRUMENT_TIMEOUT"]);

/**
 * A read that timed out waited READING_TIMEOUT_MS for one valid reading: tried twice, not ten times
 * (five minutes of a job shown running while it waited), then the run is held with the reason.
 */
const READ_TIMEOUT_TRIES = 2;

function triesOf(planned: PlannedStep, code: string, attempts: number): number {
  return planned.step.kind === "read" && code === "TC_ERR_INSTRUMENT_TIMEOUT" ? Math.min(attempts, READ_TIMEOUT_TRIES) : attempts;
}

export interface JobRunnerOptions {
  jobId: string;
  plan: PlannedStep[];
  bench: Bench;
  people: People;
  journal: RunJournal;
  log: Logger;
  /** Who the bench's own events are by (the agent), as the record log names actors. */
  actor: string;
  now?: () => number;
  /** Tries of an instrument step whose error is transient, and the wait between them. */
  attempts?: number;
  retryDelayMs?: number;
  /** Called after each event is journalled: the uplink sends it to the server as a record. */
  onEvent?(event: RunEvent, state: RunState): void;
}

/**
 * Runs a job's plan on the bench: instrument steps here, beside the instruments, so that a lost
 * link to the server costs nothing; people's steps wait for their answer. Every event is journalled
 * before the next step starts, and a runner started on a journal resumes after its last event.
 */
export class JobRunner {
  private state: RunState;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Started on a journal, resumed after a hold or sent back: the bench may not be as the plan has it. */
  private fresh = true;

  constructor(private readonly options: JobRunnerOptions) {
    this.state = runState(options.plan, options.journal.events());
  }

  get current(): RunState {
    return this.state;
  }

  stop(): void {
    this.stopped = true;
    this.wake?.();
  }

  /**
   * An event that arrives while the run goes on: the expert's hold or resume. A hold takes effect
   * before the next step starts (a step under way on the bench is finished, not torn).
   */
  submit(event: Extract<RunEvent, { kind: "held" | "resumed" }>): void {
    this.record(event);
    this.wake?.();
  }

  async run(): Promise<RunState> {
    const o = this.options;
    while (!this.state.finished && !this.stopped) {
      if (this.state.held) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        this.fresh = true;
        continue;
      }
      const step = this.state.next!;
      o.log.info({ job: o.jobId, step: step.key }, "step");
      let event: RunEvent;
      try {
        if (this.fresh && isBenchStep(step.step)) await this.restoreBench(step);
        this.fresh = false;
        event = await this.performWithRetry(step);
      } catch (err) {
        if (this.stopped || !isBenchStep(step.step)) throw err;
        this.benchStopped(step, err);
        continue;
      }
      if (this.stopped) break;
      this.record(event);
    }
    return this.state;
  }

  /**
   * A bench step that failed for good (an instrument error, a link that stayed down) holds the run
   * in the bench's name, with the reason: the people see it and the expert resumes once the bench
   * is put right, and the step is tried again. A run held already (the expert's hold came while the
   * step ran) stays as it is.
   */
  private benchStopped(planned: PlannedStep, err: unknown): void {
    const o = this.options;
    const reason = isTelecalError(err) ? `${err.code}: ${err.message}` : String(err);
    o.log.error({ job: o.jobId, step: planned.key, error: reason }, "bench step failed; the run is held until the expert resumes it");
    if (this.state.held) return;
    this.record({ kind: "held", by: o.actor, at: (o.now ?? Date.now)(), comment: `${planned.key}: ${reason}`.slice(0, 2000) });
  }

  /**
   * Before the first bench step after a restart, a resume or a send-back, the bench is put as the
   * plan has it there: the last set of each property before the step, done again. A restarted bench
   * (the lab PC, a simulator, a calibrator switched off and on) is at its power-on state, and a
   * point sent back to after the vent step would be measured vented: a read taken so failed for
   * minutes and again after every resume, or was accepted with an error of -1009 hPa.
   */
  private async restoreBench(planned: PlannedStep): Promise<void> {
    const last = new Map<string, PlannedStep>();
    for (const p of this.options.plan) {
      if (p.index >= planned.index) break;
      if (p.step.kind === "set") last.set(`${p.step.equipment}.${p.step.property}`, p);
    }
    for (const set of [...last.values()].sort((a, b) => a.index - b.index)) {
      this.options.log.info({ job: this.options.jobId, step: set.key, before: planned.key }, "set again before the run goes on");
      await this.performWithRetry(set);
    }
  }

  private record(event: RunEvent): void {
    // Applied first: an event that does not fit the state is refused before it is journalled.
    const next = applyRunEvent(this.options.plan, this.state, event);
    this.options.journal.append(event);
    this.state = next;
    if (event.kind === "sent-back") this.fresh = true;
    this.options.onEvent?.(event, next);
  }

  private async performWithRetry(planned: PlannedStep): Promise<RunEvent> {
    const o = this.options;
    const attempts = o.attempts ?? 10;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.perform(planned);
      } catch (err) {
        if (!isTelecalError(err) || !TRANSIENT.has(err.code) || attempt >= triesOf(planned, err.code, attempts) || this.stopped) throw err;
        o.log.warn({ job: o.jobId, step: planned.key, attempt, error: err.message }, "instrument step failed; trying again");
        await new Promise((r) => setTimeout(r, o.retryDelayMs ?? 1000));
      }
    }
  }

  private async perform(planned: PlannedStep): Promise<RunEvent> {
    const o = this.options;
    const at = () => (o.now ?? Date.now)();
    const step = planned.step;
    const where = `${o.jobId} ${planned.key}`;
    switch (step.kind) {
      case "set": {
        await o.bench.set(step.equipment, step.property, setValueAt(step.value, planned.point, where));
        if (step.settleMs > 0) await new Promise((r) => setTimeout(r, step.settleMs));
        return { kind: "completed", step: planned.key, values: [], by: o.actor, at: at() };
      }
      case "read": {
        const taken = await o.bench.read(step.equipment, step.measurement, planned.count);
        return { kind: "completed", step: planned.key, values: taken.values, from: { stream: taken.stream, t: taken.t }, by: o.actor, at: at() };
      }
      case "approval":
      case "environment":
      case "instruction":
      case "manual":
        return o.people.answer(planned);
    }
  }
}
