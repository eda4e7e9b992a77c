import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Bench, FileJournal, JobRunner, MemoryJournal, type People, type RunJournal, silentLogger, type TakenReadings } from "@telecal/agent";
import { type PlannedStep, planOf, type RunEvent } from "@telecal/metrology";
import { TelecalError } from "@telecal/protocols";
import { loadProcedures } from "@telecal/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const procedure = loadProcedures().get("dmm-dcv-jjf1587")!;
// The procedure's settling waits are for real instruments; these tests are about order, holds and
// resumes, on a fake bench that has nothing to settle.
const plan = planOf(procedure).map((p) => (p.step.kind === "set" ? { ...p, step: { ...p.step, settleMs: 0 } } : p));

/** A bench that records what it was asked and answers each read with the nominal value. */
class FakeBench implements Bench {
  readonly calls: string[] = [];
  failures: TelecalError[] = [];
  private t = 1_700_000_000_000;

  async set(equipment: string, property: string, value: number | string): Promise<void> {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.calls.push(`set ${equipment}.${property}=${value}`);
  }

  async read(equipment: string, measurement: string | undefined, count: number): Promise<TakenReadings> {
    this.calls.push(`read ${equipment}.${measurement} x${count}`);
    const values = Array.from({ length: count }, () => this.lastOutput);
    return { stream: `${equipment}.${measurement}`, t: values.map(() => (this.t += 100)), values };
  }

  get lastOutput(): number {
    const set = this.calls.filter((c) => c.startsWith("set calibrator.output=")).at(-1);
    return set ? Number(set.split("=")[1]) : 0;
  }
}

/** People who answer at once: the technician confirms and reads 22 °C / 50 %RH, the expert approves. */
class FakePeople implements People {
  readonly asked: string[] = [];
  async answer(step: PlannedStep): Promise<RunEvent> {
    this.asked.push(step.key);
    if (step.step.kind === "approval") return { kind: "approved", step: step.key, by: "expert", at: 1 };
    return { kind: "completed", step: step.key, values: step.step.kind === "environment" ? [22, 50] : [], by: "technician", at: 1 };
  }
}

function runner(bench: Bench, people: People, journal: RunJournal = new MemoryJournal(), attempts = 3) {
  return new JobRunner({ jobId: "job-1", plan, bench, people, journal, log: silentLogger, actor: "agent:lab-1", attempts, retryDelayMs: 1 });
}

/** The events of a whole run on a fake bench, up to (not including) the step at `index`. */
async function collect(index: number): Promise<RunEvent[]> {
  const journal = new MemoryJournal();
  await runner(new FakeBench(), new FakePeople(), journal).run();
  return journal.events().slice(0, index);
}

describe("job runner", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telecal-runner-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs every step in order: instrument steps on the bench, the others by people; readings keep their origin", async () => {
    const bench = new FakeBench();
    const people = new FakePeople();
    const journal = new MemoryJournal();
    const state = await runner(bench, people, journal).run();
    expect(state.finished).toBe(true);
    expect(people.asked).toEqual(["before/connect", "before/ambient", "after/review"]);
    expect(bench.calls.slice(0, 4)).toEqual(["set calibrator.output=0.1", "set calibrator.operate=OPER", "read dmm.dcv x10", "set calibrator.operate=STBY"]);
    expect(bench.calls).toContain("set calibrator.output=-10");
    // A resistance point runs its own steps, and none of a voltage point's.
    const res1k = bench.calls.indexOf("set calibrator.resistance=1000");
    expect(bench.calls.slice(res1k, res1k + 4)).toEqual(["set calibrator.resistance=1000", "set calibrator.operate=OPER", "read dmm.res2w x10", "set calibrator.operate=STBY"]);
    expect(bench.calls.filter((c) => c.startsWith("read dmm.dcv"))).toHaveLength(6);
    expect(bench.calls.filter((c) => c.startsWith("read dmm.res2w"))).toHaveLength(6);
    expect(journal.events()).toHaveLength(plan.length);
    const read = journal.events().find((e) => e.kind === "completed" && e.step === "dcv-10v/read");
    expect(read).toMatchObject({ values: Array(10).fill(10), from: { stream: "dmm.dcv" }, by: "agent:lab-1" });
  });

  it("resumes from its journal after a restart: done steps are not done again on the bench", async () => {
    const file = join(dir, "job-1.jsonl");
    const journal = new FileJournal(file);
    const stopAfter = plan.findIndex((p) => p.key === "dcv-10v/output");
    const first = runner(new FakeBench(), new FakePeople(), journal);
    // The agent goes down once `stopAfter` events are on disk, as in a power cut.
    const append = journal.append.bind(journal);
    journal.append = (event) => {
      append(event);
      if (journal.events().length === stopAfter) first.stop();
    };
    expect((await first.run()).finished).toBe(false);
    journal.close();
    // A crash mid-write leaves a torn last line: it is dropped on load.
    writeFileSync(file, `${readFileSync(file, "utf8")}{"kind":"compl`);

    const reopened = new FileJournal(file);
    expect(reopened.events()).toHaveLength(stopAfter);
    const bench = new FakeBench();
    const second = runner(bench, new FakePeople(), reopened);
    expect(second.current.next!.key).toBe("dcv-10v/output");
    expect((await second.run()).finished).toBe(true);
    reopened.close();
    // The second bench was first put as the run had it (the 1 V point's output, in standby), then saw
    // only the steps after the journal's last one, the first of them the 10 V output.
    const remaining = plan.slice(stopAfter).filter((p) => p.step.kind === "set" || p.step.kind === "read").length;
    expect(bench.calls.slice(0, 3)).toEqual(["set calibrator.output=1", "set calibrator.operate=STBY", "set calibrator.output=10"]);
    expect(bench.calls).toHaveLength(remaining + 2);
    expect(new FileJournal(file).events()).toHaveLength(plan.length);
  });

  it("after a restart mid-point, sets the point's outputs again before its read: a restarted bench is at its power-on state", async () => {
    const journal = new MemoryJournal();
    const upTo = plan.findIndex((p) => p.key === "dcv-10v/read");
    for (const event of (await collect(upTo))) journal.append(event);
    const bench = new FakeBench();
    const resumed = runner(bench, new FakePeople(), journal);
    expect(resumed.current.next!.key).toBe("dcv-10v/read");
    expect((await resumed.run()).finished).toBe(true);
    expect(bench.calls.slice(0, 3)).toEqual(["set calibrator.output=10", "set calibrator.operate=OPER", "read dmm.dcv x10"]);
    // Only the planned steps are journalled: the sets done again are the bench's business.
    expect(journal.events()).toHaveLength(plan.length);
  });

  it("a point sent back to after the vent step is measured with the controller on again, at its set point", async () => {
    const pressure = planOf(loadProcedures().get("pressure-gauge-jjg52")!).map((p) => (p.step.kind === "set" ? { ...p, step: { ...p.step, settleMs: 0 } } : p));
    let sentBack = false;
    const people: People = {
      answer(step) {
        if (step.step.kind === "approval") {
          if (sentBack) return Promise.resolve({ kind: "approved", step: step.key, by: "expert", at: 3 });
          sentBack = true;
          return Promise.resolve({ kind: "sent-back", step: step.key, to: "up-400/reference", comment: "重测 400 hPa / measure 400 hPa again", by: "expert", at: 2 });
        }
        const values = step.step.kind === "environment" ? [20, 50] : Array.from({ length: step.count }, () => step.point?.nominal ?? 0);
        return Promise.resolve({ kind: "completed", step: step.key, values, by: "technician", at: 1 });
      },
    };
    const bench = new FakeBench();
    const r = new JobRunner({ jobId: "job-2", plan: pressure, bench, people, journal: new MemoryJournal(), log: silentLogger, actor: "agent:lab-1", retryDelayMs: 1 });
    expect((await r.run()).finished).toBe(true);
    const vent = bench.calls.indexOf("set controller.control=OFF");
    expect(bench.calls.slice(vent + 1, vent + 4)).toEqual(["set controller.control=ON", "set controller.setpoint=400", "read controller.pressure x3"]);
  });

  it("a read that times out is tried twice, then the run is held with the reason, not ten times over five minutes", async () => {
    const bench = new FakeBench();
    let reads = 0;
    const timingOut: Bench = {
      set: (e, p, v) => bench.set(e, p, v),
      read: () => {
        reads += 1;
        return Promise.reject(new TelecalError("TC_ERR_INSTRUMENT_TIMEOUT", { instrument: "dmm1", command: "reading 1 of 10 on dmm1.dcv", ms: 30_000 }));
      },
    };
    const r = runner(timingOut, new FakePeople(), new MemoryJournal(), 10);
    const running = r.run();
    await expect.poll(() => r.current.held).toBe(true);
    expect(reads).toBe(2);
    expect(r.current.next!.key).toBe("dcv-100mv/read");
    r.stop();
    await running;
  });

  it("tries an instrument step again after a transient error; another error holds the run in the bench's name, and a resume tries the step again", async () => {
    const bench = new FakeBench();
    bench.failures = [new TelecalError("TC_ERR_TRANSPORT_CLOSED", { instrument: "cal1", target: "tcp://x" })];
    expect((await runner(bench, new FakePeople()).run()).finished).toBe(true);

    const broken = new FakeBench();
    broken.failures = [new TelecalError("TC_ERR_INSTRUMENT_ERROR", { instrument: "cal1", command: "OUT 0.1 V", code: -222, text: '"Data out of range"' })];
    const journal = new MemoryJournal();
    const reported: RunEvent[] = [];
    const r = new JobRunner({ jobId: "job-1", plan, bench: broken, people: new FakePeople(), journal, log: silentLogger, actor: "agent:lab-1", attempts: 3, retryDelayMs: 1, onEvent: (e) => reported.push(e) });
    const running = r.run();
    await expect.poll(() => r.current.held).toBe(true);
    // Done before the failure stays journalled; the failed step is not, the bench's hold is, with why.
    expect(journal.events().map((e) => ("step" in e ? e.step : e.kind))).toEqual(["before/connect", "before/ambient", "held"]);
    expect(reported.at(-1)).toMatchObject({ kind: "held", by: "agent:lab-1", comment: expect.stringMatching(/^dcv-100mv\/output: TC_ERR_INSTRUMENT_ERROR: .*-222/) });
    expect(r.current.next!.key).toBe("dcv-100mv/output");
    expect(broken.calls).toEqual([]);
    r.submit({ kind: "resumed", by: "expert", at: 3 });
    expect((await running).finished).toBe(true);
    expect(broken.calls[0]).toBe("set calibrator.output=0.1");
  });

  it("a bench step that fails while the expert holds the run leaves the hold as it is, and runs again on resume", async () => {
    const bench = new FakeBench();
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    const slow: Bench = {
      async set(equipment, property, value) {
        if (bench.calls.length === 0 && bench.failures.length > 0) {
          await gate;
        }
        return bench.set(equipment, property, value);
      },
      read: (equipment, measurement, count) => bench.read(equipment, measurement, count),
    };
    bench.failures = [new TelecalError("TC_ERR_INSTRUMENT_ERROR", { instrument: "cal1", command: "OUT 0.1 V", code: -222, text: '"Data out of range"' })];
    const journal = new MemoryJournal();
    const r = runner(slow, new FakePeople(), journal);
    const running = r.run();
    await expect.poll(() => r.current.next?.key).toBe("dcv-100mv/output");
    r.submit({ kind: "held", by: "expert", at: 2, comment: "看一下接线" });
    release();
    await new Promise((res) => setTimeout(res, 50));
    expect(journal.events().filter((e) => e.kind === "held").map((e) => e.by)).toEqual(["expert"]);
    r.submit({ kind: "resumed", by: "expert", at: 3 });
    expect((await running).finished).toBe(true);
    expect(bench.calls[0]).toBe("set calibrator.output=0.1");
  });

  it("starts no new step while the expert holds the run, and goes on when he resumes", async () => {
    const bench = new FakeBench();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const people: People = {
      async answer(step) {
        if (step.key === "before/ambient") await gate;
        return new FakePeople().answer(step);
      },
    };
    const r = runner(bench, people);
    const running = r.run();
    await new Promise((res) => setTimeout(res, 20));
    r.submit({ kind: "held", by: "expert", at: 2, comment: "接线松动 loose lead" });
    release();
    await new Promise((res) => setTimeout(res, 50));
    expect(r.current.held).toBe(true);
    expect(r.current.next!.key).toBe("dcv-100mv/output");
    expect(bench.calls).toEqual([]);
    r.submit({ kind: "resumed", by: "expert", at: 3 });
    expect((await running).finished).toBe(true);
    expect(bench.calls.length).toBeGreaterThan(0);
  });
});
