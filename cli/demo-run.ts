import { isBenchStep, planOf, type Procedure, type RunEvent } from "@telecal/metrology";
import { type Instrument, type JobEventRequest, TelecalError, type UserInfo } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";
import { createDemoRegistry } from "./commands/demo-registry";
import { DEMO_AGENT, DEMO_ORGANISATION, type DemoLab } from "./demo-lab";
import { DemoPeople } from "./demo-people";

/** A whole demo run must end within this; a stalled bench fails with the step it stalled on. */
const RUN_LIMIT_MS = 15 * 60_000;

export interface DemoJobRun {
  jobId: string;
  /** Equipment id → the demo agent's instrument id, for the bench equipment. */
  bench: Record<string, string>;
  technician: UserInfo;
  expert: UserInfo;
}

/** Equipment of the procedure → instrument of the demo bench with a driver the equipment accepts. */
export function demoBenchBinding(procedure: Procedure, lab: DemoLab): Record<string, string> {
  const binding: Record<string, string> = {};
  const taken = new Set<string>();
  for (const e of procedure.equipment) {
    if (e.drivers.length === 0) continue;
    // An instrument of the same side (unit under test, or reference) first.
    const wantUut = e.role === "uut";
    const candidates = [...lab.drivers].filter(([id, driver]) => e.drivers.includes(driver) && !taken.has(id));
    const match = candidates.find(([id]) => (lab.roles.get(id) === "uut") === wantUut) ?? candidates[0];
    if (!match) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: `the demo bench has no instrument with driver ${e.drivers.join(" or ")}` });
    binding[e.id] = match[0];
    taken.add(match[0]);
  }
  return binding;
}

/** A demo station's person of a job: its admin (who registers the bench), technician or expert. */
async function demoUser(server: TelecalServer, role: "admin" | "technician" | "expert"): Promise<UserInfo> {
  const username = `demo-${role}`;
  return (
    (await server.store.auth.userByUsername(username)) ??
    (await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, username, displayName: `演示${{ admin: "管理员", technician: "校准员", expert: "核验员" }[role]} (${role})`, role, password: `demo-${Math.random().toString(36).slice(2)}-pw` }))
  );
}

/** Registry instruments for the procedure's equipment: the bench's by their agent id, weights and other standards by quantity. */
function registryBinding(procedure: Procedure, bench: Record<string, string>, instruments: Instrument[]): Record<string, string> {
  const binding: Record<string, string> = {};
  for (const e of procedure.equipment) {
    const onBench = bench[e.id];
    const found =
      onBench !== undefined
        ? instruments.find((i) => i.agentId === DEMO_AGENT.id && i.agentInstrumentId === onBench)
        : e.traceable
          ? instruments.find((i) => i.role === "reference" && i.agentInstrumentId === null && i.quantity === procedure.quantity)
          : undefined;
    if (found) binding[e.id] = found.id;
    else if (onBench !== undefined || e.traceable) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment: e.id, reason: "the demo registry has no instrument for it" });
  }
  return binding;
}

/** A people's event of the demo as the web would post it. */
function asRequest(event: RunEvent): JobEventRequest {
  if (event.kind === "completed") return { kind: "completed", step: event.step, values: event.values ?? [] };
  if (event.kind === "approved") return { kind: "approved", step: event.step, ...(event.comment ? { comment: event.comment } : {}) };
  throw new TelecalError("TC_ERR_STEP_OUT_OF_ORDER", { step: "step" in event ? event.step : "-", reason: `the demo does not ${event.kind}` });
}

/**
 * Runs a procedure as a real job on the demo server: the demo admin registers the bench, the
 * technician creates the job, the demo agent runs its bench steps and reports them, and the demo
 * people answer theirs through the job service as the web would. Every event is in the record log,
 * so the results and a certificate come from the job's raw records.
 */
export async function runDemoJob(server: TelecalServer, lab: DemoLab, procedure: Procedure): Promise<DemoJobRun> {
  const [admin, technician, expert] = [await demoUser(server, "admin"), await demoUser(server, "technician"), await demoUser(server, "expert")];
  if ((await server.registry.instruments(admin)).length === 0) await createDemoRegistry(server, DEMO_ORGANISATION.id, DEMO_AGENT.id);
  const bench = demoBenchBinding(procedure, lab);
  const binding = registryBinding(procedure, bench, await server.registry.instruments(admin));
  const job = await server.jobs.create(technician, { procedureId: procedure.id, agentId: DEMO_AGENT.id, binding, technician: technician.username, expert: expert.username });
  const plan = planOf(procedure);
  const people = new DemoPeople(procedure, lab, bench);
  await new Promise<void>((resolve, reject) => {
    let busy = false;
    let again = false;
    let answered: string | null = null;
    const stop = (err?: unknown) => {
      off();
      clearTimeout(limit);
      if (err) reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      else resolve();
    };
    // One look at a time: a change while looking is looked at again after.
    const look = async (): Promise<void> => {
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      try {
        do {
          again = false;
          const now = await server.jobs.get(technician, job.id);
          if (now.status === "finished") return stop();
          if (now.status === "held") {
            // No one here resumes a run the bench stopped: say why at once rather than wait.
            const hold = (await server.jobs.events(technician, job.id)).findLast((e): e is Extract<RunEvent, { kind: "held" }> => e.kind === "held");
            if (hold?.by.startsWith("agent:")) return stop(new TelecalError("TC_ERR_JOB_BENCH_HELD", { job: job.id, reason: hold.comment ?? "-" }));
          }
          const next = plan.find((p) => p.key === now.next);
          if (!next || answered === next.key || now.status === "held") continue;
          if (isBenchStep(next.step)) continue;
          answered = next.key;
          const event = await people.answer(next);
          await server.jobs.addPeopleEvent(event.by === "expert" ? expert : technician, job.id, asRequest(event));
        } while (again);
      } catch (err) {
        stop(err);
      } finally {
        busy = false;
      }
    };
    const off = server.jobs.onChange((_agent, id) => {
      if (id === job.id) void look();
    });
    const limit = setTimeout(() => {
      void server.jobs.get(technician, job.id).then((j) => stop(new TelecalError("TC_ERR_INSTRUMENT_TIMEOUT", { instrument: DEMO_AGENT.id, command: `job ${job.id} at step ${j.next ?? "-"}`, ms: RUN_LIMIT_MS })));
    }, RUN_LIMIT_MS);
    void look();
  });
  return { jobId: job.id, bench, technician, expert };
}
