import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { planOf } from "@telecal/metrology";
import { type Job, RunEvent } from "@telecal/protocols";
import { jobStream, loadProcedures, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { DEMO_AGENT, type DemoLab } from "../../../cli/demo-lab";
import { DemoPeople } from "../../../cli/demo-people";
import { BIN } from "../../fakes/cli";
import { type DemoStack, startDemoStack } from "../../fakes/demo-stack";

const PROCEDURE = "dmm-dcv-jjf1587";
const procedure = loadProcedures().get(PROCEDURE)!;
const plan = planOf(procedure);
const PEOPLE_KINDS = new Set(["instruction", "manual", "environment", "approval"]);

/**
 * A job created on the server runs on the agent's bench: the agent hears of it over its socket,
 * runs the instrument steps, waits for people's steps answered through the REST routes, reports
 * every bench event into the record log, and after a restart of the agent goes on where it stopped.
 */
describe("a server job run by the agent's runner", () => {
  let stack: DemoStack;
  let server: TelecalServer;
  let lab: DemoLab;
  let agentDir: string;
  let serverDir: string;

  const call = async (who: keyof DemoStack["tokens"], method: "GET" | "POST", url: string, payload?: object) => {
    const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${stack.tokens[who]}` }, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`${who} ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<unknown>();
  };

  /** The DMM job on the demo bench, created over REST by the technician. */
  const createJob = async (): Promise<Job> => {
    const { instruments } = (await call("admin", "GET", "/api/instruments")) as { instruments: { id: string; model: string }[] };
    const idOf = (model: string) => instruments.find((i) => i.model === model)!.id;
    return (await call("technician", "POST", "/api/jobs", {
      procedureId: PROCEDURE,
      agentId: DEMO_AGENT.id,
      binding: { calibrator: idOf("5522A"), dmm: idOf("34465A") },
      technician: "technician",
      expert: "expert",
    })) as Job;
  };

  beforeAll(async () => {
    stack = await startDemoStack();
    ({ server, lab, agentDir, serverDir } = stack);
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("runs to the end across an agent restart, every step once in the record log, and verifies", async () => {
    const job = await createJob();

    const people = new DemoPeople(procedure, lab, { calibrator: "cal1", dmm: "dmm1" });
    let restarted = false;
    const deadline = Date.now() + 90_000;
    let current = job;
    while (current.status !== "finished") {
      if (Date.now() > deadline) throw new Error(`job stuck at ${current.next} (${current.done}/${current.steps})`);
      // Half-way through the points, the lab PC restarts: the journal in its data dir carries the run.
      if (!restarted && current.done >= Math.floor(plan.length / 2)) {
        restarted = true;
        await lab.restartAgent();
      }
      if (current.next !== null && current.nextKind !== null && PEOPLE_KINDS.has(current.nextKind)) {
        const planned = plan.find((s) => s.key === current.next)!;
        // What a person sends: the event without who and when, which the server fills in.
        const body = Object.fromEntries(Object.entries(await people.answer(planned)).filter(([k]) => k !== "by" && k !== "at"));
        current = (await call(planned.step.kind === "approval" ? "expert" : "technician", "POST", `/api/jobs/${job.id}/events`, body)) as Job;
        continue;
      }
      await new Promise((r) => setTimeout(r, 100));
      current = (await call("expert", "GET", `/api/jobs/${job.id}`)) as Job;
    }
    expect(restarted).toBe(true);
    expect(current.done).toBe(plan.length);

    // Every planned step is in the record log once, people's as users and the bench's as the agent.
    const records = (await server.store.records.page(0, 1_000_000)).filter((r) => r.stream === jobStream(job.id));
    const runs = records.map((r) => JSON.parse(r.payload) as { event: string; run?: unknown }).filter((p) => p.event === "run").map((p) => RunEvent.parse(p.run));
    const completedSteps = runs.filter((e) => e.kind === "completed" || e.kind === "approved").map((e) => ("step" in e ? e.step : ""));
    expect(completedSteps).toEqual(plan.map((s) => s.key));
    const benchRuns = runs.filter((e) => e.by.startsWith("agent:"));
    expect(benchRuns.length).toBe(plan.filter((s) => !PEOPLE_KINDS.has(s.step.kind)).length);
    for (const e of benchRuns) expect(e.by).toBe(`agent:${DEMO_AGENT.id}`);
    // Read steps carry their readings and the stream they came from: the meter switched to its
    // resistance function for the resistance points (after the restart, too), and back never mixed.
    const reads = runs.filter((e) => e.kind === "completed" && /\/read(-res)?$/.test(e.step));
    expect(reads.length).toBe(procedure.points.length);
    for (const r of reads) {
      if (r.kind !== "completed") continue;
      const ohms = r.step.endsWith("/read-res");
      expect(r.from?.stream, r.step).toBe(ohms ? "dmm1.res2w" : "dmm1.dcv");
      const nominal = procedure.points.find((p) => r.step.startsWith(`${p.id}/`))!.nominal;
      expect(r.values!.length).toBe(10);
      for (const v of r.values!) expect(Math.abs(v - nominal), r.step).toBeLessThan(ohms ? 0.0001 * nominal : 0.0001 * Math.abs(nominal) + 0.0001);
    }

    // The agent's journal holds the same run as the server, the last approval once it is pushed.
    const journal = join(agentDir, "jobs", `${job.id}.jsonl`);
    expect(existsSync(journal)).toBe(true);
    const journalled = () => readFileSync(journal, "utf8").trim().split("\n").map((l) => RunEvent.parse(JSON.parse(l)));
    await vi.waitFor(() => expect(journalled()).toHaveLength(runs.length), { timeout: 10_000, interval: 100 });
    expect(journalled()).toEqual(runs);

    // Finished, the meter samples what the agent's config says again: DC volts, not the resistance of the last points.
    const sampled = new Set<string>();
    const off = lab.agent.onReading((instrument: string, stream: string) => void (instrument === "dmm1" && sampled.add(stream)));
    await vi.waitFor(() => expect([...sampled]).toContain("dmm1.dcv"), { timeout: 10_000, interval: 100 });
    off();

    const verify = spawnSync(process.execPath, [BIN, "verify", "--data-dir", serverDir], { encoding: "utf8", timeout: 60_000 });
    expect(verify.stderr + verify.stdout).toMatch(/ok|verified|通过/i);
    expect(verify.status).toBe(0);
  }, 120_000);

  it("a bench step that fails for good holds the job in the bench's name with the reason; the expert resumes and the step runs again", async () => {
    const job = await createJob();
    const people = new DemoPeople(procedure, lab, { calibrator: "cal1", dmm: "dmm1" });
    // The calibrator answers nothing but noise from now on: its first step cannot be done.
    const calibrator = lab.simulators.get("fluke-5522a")!;
    calibrator.faults.garbage = 1;
    try {
      for (const key of ["before/connect", "before/ambient"]) {
        const body = Object.fromEntries(Object.entries(await people.answer(plan.find((s) => s.key === key)!)).filter(([k]) => k !== "by" && k !== "at"));
        await call("technician", "POST", `/api/jobs/${job.id}/events`, body);
      }
      const held = await vi.waitFor(async () => {
        const now = (await call("expert", "GET", `/api/jobs/${job.id}`)) as Job;
        expect(now.status).toBe("held");
        return now;
      }, { timeout: 30_000, interval: 200 });
      expect(held.next).toBe("dcv-100mv/output");
      const { events } = (await call("expert", "GET", `/api/jobs/${job.id}/run`)) as { events: RunEvent[] };
      expect(events.at(-1)).toMatchObject({ kind: "held", by: `agent:${DEMO_AGENT.id}`, comment: expect.stringMatching(/^dcv-100mv\/output: TC_ERR_/) });
    } finally {
      calibrator.faults.garbage = 0;
    }
    // Put right (the calibrator's readings come through again), the expert resumes: the bench does
    // the step it failed, and goes on.
    let readings = 0;
    const off = lab.agent.onReading((instrument: string) => void (instrument === "cal1" && (readings += 1)));
    await vi.waitFor(() => expect(readings).toBeGreaterThanOrEqual(3), { timeout: 20_000, interval: 100 });
    off();
    await call("expert", "POST", `/api/jobs/${job.id}/events`, { kind: "resumed" });
    await vi.waitFor(async () => {
      const now = (await call("expert", "GET", `/api/jobs/${job.id}`)) as Job;
      expect(now.status).toBe("running");
      expect(now.done).toBeGreaterThan(3);
    }, { timeout: 30_000, interval: 200 });
  }, 120_000);
});
