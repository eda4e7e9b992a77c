import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { outputEnvelope, type PlannedStep, planOf, Procedure, type RunEvent, runState } from "@telecal/metrology";
import { type AgentJob, canonicalJson, type OutputEnvelope } from "@telecal/protocols";
import type { BenchAgent } from "./bench-agent";
import { PolledInstrument } from "../instruments/polled-instrument";
import type { Logger } from "../log";
import { AgentBench } from "./bench";
import { JobRunner } from "./job-runner";
import { FileJournal, MemoryJournal, type RunJournal } from "./journal";
import { RemotePeople } from "./remote-people";

interface HostedJob {
  procedure: Procedure;
  /** Equipment id → the agent's instrument id. */
  binding: Record<string, string>;
  runner: JobRunner;
  journal: RunJournal;
  people: RemotePeople;
  /** Events of the server, by canonical JSON, already handed to the runner or found in the journal. */
  seen: Set<string>;
  /** Bench events the server has not acknowledged yet, in order. */
  unreported: RunEvent[];
  reporting: boolean;
}

/**
 * Runs the jobs the server gives this agent. Each job's journal (in the data dir) is the agent's
 * truth: the bench events in it are reported to the server until acknowledged; people's events
 * come from the server's list and end the steps the runner waits on. After a restart or a lost
 * link the same list, sent after every hello, puts both sides level again.
 */
export class JobHost {
  private readonly jobs = new Map<string, HostedJob>();
  /** Set by stop(): a list that still arrives while the agent shuts down starts nothing. */
  private stopped = false;

  constructor(
    private readonly agent: BenchAgent,
    private readonly dataDir: string | undefined,
    private readonly log: Logger,
  ) {}

  /** Takes the server's list of this agent's unfinished jobs. */
  take(list: AgentJob[]): void {
    // Otherwise a list pushed between stop() and the uplink's close would start a second runner on
    // the journal the next agent process (or a restart) is about to run.
    if (this.stopped) return;
    for (const job of list) {
      try {
        this.reconcile(job);
      } catch (err) {
        this.log.error({ job: job.jobId, err: (err as Error).message }, "cannot run job");
      }
    }
  }

  /**
   * The output envelope of one of this agent's instruments in a job it runs (the procedure's test
   * points; DESIGN.md, the agent's gate); null when the job is not one of this agent's, or the
   * instrument not on its bench.
   */
  envelopeOf(jobId: string, instrument: string): OutputEnvelope[] | null {
    const hosted = this.jobs.get(jobId);
    const equipment = hosted && Object.entries(hosted.binding).find(([, id]) => id === instrument)?.[0];
    return hosted && equipment !== undefined ? outputEnvelope(hosted.procedure, equipment) : null;
  }

  /** Whether the job's runner is running here now. */
  hosts(jobId: string): boolean {
    return this.jobs.has(jobId);
  }

  stop(): void {
    this.stopped = true;
    for (const job of this.jobs.values()) {
      job.runner.stop();
      job.journal.close?.();
    }
    this.jobs.clear();
  }

  private reconcile(job: AgentJob): void {
    const known = this.jobs.get(job.jobId);
    if (job.cancelled) {
      if (known) this.drop(job.jobId, known, "job cancelled: its run is stopped");
      return;
    }
    // Edited before its run began (a new binding): run it afresh on the new one.
    if (known && canonicalJson(known.binding) !== canonicalJson(job.binding) && job.events.length === 0) {
      // What the journal holds was done on the old binding: the new run starts from nothing.
      known.journal.replace([]);
      this.drop(job.jobId, known, "job edited: it starts again on its new binding");
    }
    const hosted = this.jobs.get(job.jobId) ?? this.start(job);
    if (hosted === null) return;
    for (const event of job.events) {
      const key = canonicalJson(event);
      if (hosted.seen.has(key)) continue;
      hosted.seen.add(key);
      if (event.kind === "held" || event.kind === "resumed") {
        if ((event.kind === "held") !== hosted.runner.current.held) hosted.runner.submit(event);
      } else if (!event.by.startsWith("agent:")) {
        hosted.people.offer(event);
      }
    }
    // Bench events of the journal the server does not list: reported again, in order.
    const held = new Set(job.events.map((e) => canonicalJson(e)));
    hosted.unreported = hosted.journal.events().filter((e) => e.by.startsWith("agent:") && !held.has(canonicalJson(e)));
    void this.report(job.jobId, hosted);
  }

  /** Stops a job's runner and lets go of its journal; it is no longer this agent's. */
  private drop(jobId: string, hosted: HostedJob, why: string): void {
    hosted.runner.stop();
    hosted.journal.close?.();
    this.jobs.delete(jobId);
    this.log.info({ job: jobId }, why);
  }

  /** Starts the job's runner on its journal, put level with the server's events; null: nothing to run. */
  private start(job: AgentJob): HostedJob | null {
    const procedure = Procedure.parse(job.procedure);
    const plan = planOf(procedure);
    const file = this.dataDir ? join(this.dataDir, "jobs", `${job.jobId}.jsonl`) : null;
    // A job that finished while this agent had no journal of it (another PC, a lost disk): nothing to do.
    if ((file === null || !existsSync(file)) && runState(plan, job.events).finished) return null;
    let journal: RunJournal = new MemoryJournal();
    if (file !== null) {
      mkdirSync(join(this.dataDir!, "jobs"), { recursive: true });
      journal = new FileJournal(file);
    }
    try {
      levelJournal(job, journal, plan);
    } catch (err) {
      journal.close?.();
      throw err;
    }
    const people = new RemotePeople();
    const runner: JobRunner = new JobRunner({
      jobId: job.jobId,
      plan,
      bench: new AgentBench(this.agent, job.binding),
      people,
      journal,
      log: this.log,
      actor: `agent:${this.agent.id}`,
      // Called only once run() has started, after `hosted` exists.
      onEvent: (event) => {
        hosted.seen.add(canonicalJson(event));
        if (event.by.startsWith("agent:")) {
          hosted.unreported.push(event);
          void this.report(job.jobId, hosted);
        }
      },
    });
    const hosted: HostedJob = { procedure, binding: job.binding, runner, journal, people, seen: new Set(journal.events().map((e) => canonicalJson(e))), unreported: [], reporting: false };
    this.jobs.set(job.jobId, hosted);
    this.log.info({ job: job.jobId, procedure: procedure.id, resumedAt: hosted.runner.current.next?.key ?? "end" }, "job taken");
    hosted.runner
      .run()
      .then(async (state) => {
        this.log.info({ job: job.jobId, finished: state.finished }, "job runner stopped");
        if (state.finished) await this.restoreMeasurements(job.binding);
      })
      .catch((err: unknown) => this.log.error({ job: job.jobId, err: (err as Error).message }, "job stopped on an error"));
    return hosted;
  }

  /**
   * A finished job leaves its instruments sampling what the agent's config says (a DMM switched to
   * resistance for the last points goes back to DC volts), not what its last read step needed.
   */
  private async restoreMeasurements(binding: Record<string, string>): Promise<void> {
    for (const id of new Set(Object.values(binding))) {
      const instrument = this.agent.instruments.find((i) => i.id === id);
      if (!(instrument instanceof PolledInstrument)) continue;
      await instrument.use(instrument.configuredMeasurement).catch((err: unknown) => this.log.warn({ instrument: id, err: (err as Error).message }, "could not restore the configured measurement"));
    }
  }

  /** Reports the job's unreported bench events one by one; a failure waits for the next list. */
  private async report(jobId: string, hosted: HostedJob): Promise<void> {
    if (hosted.reporting) return;
    hosted.reporting = true;
    try {
      while (hosted.unreported.length > 0) {
        await this.agent.uplink.reportJobEvent({ jobId, event: hosted.unreported[0]! });
        hosted.unreported.shift();
      }
    } catch (err) {
      this.log.warn({ job: jobId, err: (err as Error).message }, "job event not reported yet; again after the next hello");
    } finally {
      hosted.reporting = false;
    }
  }
}

/**
 * The journal and the server's events are one run: either may be ahead of the other. The server's
 * events the journal lacks (a journal lost or behind) are appended before the runner starts, so
 * no step the server holds is done twice; the journal's extra bench events are reported later.
 * The two may also hold the same events in another order (a hold that reached the agent after a
 * bench step it came before on the server): the server's order wins, the journal's unreported
 * bench events after it, if the run is sound that way. Anything else is not repaired.
 */
function levelJournal(job: AgentJob, journal: RunJournal, plan: PlannedStep[]): void {
  const mine = journal.events();
  const theirs = job.events;
  const key = (e: RunEvent) => canonicalJson(e);
  const common = Math.min(mine.length, theirs.length);
  let same = 0;
  while (same < common && key(mine[same]!) === key(theirs[same]!)) same++;
  if (same === common) {
    for (const event of theirs.slice(mine.length)) journal.append(event);
    return;
  }
  const refuse = (why: string) => new Error(`journal of job ${job.jobId} and the server's record differ at event ${same} (${why}); the job is not run (see docs/procedures.md)`);
  const onServer = new Set(theirs.map(key));
  const extra = mine.filter((e) => !onServer.has(key(e)));
  const person = extra.find((e) => !e.by.startsWith("agent:"));
  if (person) throw refuse(`the journal holds an event of ${person.by} the server does not`);
  const level = [...theirs, ...extra];
  try {
    runState(plan, level);
  } catch (err) {
    throw refuse(`not a sound run in the server's order: ${(err as Error).message}`);
  }
  journal.replace(level);
}
