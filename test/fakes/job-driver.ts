import { planOf } from "@telecal/metrology";
import type { TelecalServer } from "@telecal/server";

/** What a driven job's reading steps read: a value per step key, or by default a slightly high nominal. */
export type ReadingOf = (step: string, nominal: number, i: number) => number;

/**
 * Runs a job to its end on a real server without a bench: the bench's steps reported as its agent
 * would (each read step's readings first stored as a reading batch of the agent's stream, then
 * reported with where they came from), the people's answered through the job service.
 */
/** How the bench's report of the first read step lies, for tests of the evidence check. */
export type ReportTamper = "no-from" | "other-stream" | "twice";

export async function driveJob(server: TelecalServer, jobId: string, options: { technician: string; expert: string; readingOf?: ReadingOf; tamper?: ReportTamper }): Promise<void> {
  const technician = (await server.store.auth.userByUsername(options.technician))!;
  const expert = (await server.store.auth.userByUsername(options.expert))!;
  const run = await server.jobs.run(technician, jobId);
  const procedure = run.procedure;
  const plan = planOf(procedure);
  const agentId = run.job.agentId;
  const binding = run.job.binding;
  const readingOf: ReadingOf = options.readingOf ?? ((_s, nominal, i) => nominal * (1 + 2e-6) + (i % 3) * 1e-7);
  const nextSeq = new Map<string, number>();
  let t = Date.now() - 30_000;
  let firstRead = true;
  for (;;) {
    const job = await server.jobs.get(technician, jobId);
    if (job.status === "finished") return;
    const planned = plan.find((p) => p.key === job.next)!;
    const step = planned.step;
    const now = Date.now();
    if (step.kind === "set") {
      await server.jobs.addAgentEvent(agentId, jobId, { kind: "completed", step: planned.key, values: [], by: `agent:${agentId}`, at: now });
    } else if (step.kind === "read") {
      const instrument = binding[step.equipment]!.agentInstrumentId!;
      const streamId = `${instrument}.${step.measurement}`;
      await server.store.streams.register(agentId, [
        { id: instrument, driver: "test", role: "uut", maker: "", model: "", serial: "", firmware: "", streams: [{ id: streamId, quantity: procedure.quantity, unit: planned.point!.unit }] },
      ]);
      const ts = Array.from({ length: planned.count }, () => (t += 100));
      const values = ts.map((_, i) => readingOf(planned.key, planned.point!.nominal, i));
      // Like a real agent, go on after what the stream already stored (an earlier job on it): a stored
      // seq resent with other content is refused as possible tampering.
      const firstSeq = nextSeq.get(streamId) ?? ((await server.store.streams.ackedSeqs(agentId))[streamId] ?? -1) + 1;
      nextSeq.set(streamId, firstSeq + ts.length);
      await server.store.readings.storeBatch(agentId, { streamId, instrumentId: instrument, firstSeq, t: ts, values, flags: ts.map(() => 0), unit: planned.point!.unit, clock: { offsetMs: 0, uncertaintyMs: 5 }, historical: false });
      const tamper = firstRead ? options.tamper : undefined;
      firstRead = false;
      // The lies: no source named; another instrument's stream named; one reading counted twice.
      const from = tamper === "no-from" ? undefined : tamper === "other-stream" ? { stream: `${binding["calibrator"]!.agentInstrumentId}.output`, t: ts } : { stream: streamId, t: ts };
      const reported = tamper === "twice" ? { values: [values[0]!, ...values.slice(0, -1)], from: { stream: streamId, t: [ts[0]!, ...ts.slice(0, -1)] } } : { values, ...(from ? { from } : {}) };
      await server.jobs.addAgentEvent(agentId, jobId, { kind: "completed", step: planned.key, ...reported, by: `agent:${agentId}`, at: now });
    } else if (step.kind === "approval") {
      await server.jobs.addPeopleEvent(expert, jobId, { kind: "approved", step: planned.key });
    } else {
      const values = step.kind === "environment" ? (procedure.environment.humidity ? [21.5, 48] : [21.5]) : step.kind === "manual" ? Array.from({ length: planned.count }, () => planned.point!.nominal) : [];
      await server.jobs.addPeopleEvent(technician, jobId, { kind: "completed", step: planned.key, values });
    }
  }
}
