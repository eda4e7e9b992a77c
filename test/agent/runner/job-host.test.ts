import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Agent, JobHost, silentLogger } from "@telecal/agent";
import type { AgentJob, RunEvent } from "@telecal/protocols";
import { loadProcedures } from "@telecal/server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

/** An agent with no instruments: the job's first step is a person's, so a started runner only waits. */
const agent = { id: "lab-1", instruments: [] } as unknown as Agent;
const job: AgentJob = { jobId: "job-1", procedure: loadProcedures().get("dmm-dcv-jjf1587")!, binding: { calibrator: "cal1", dmm: "dmm1" }, events: [] };

describe("the agent's job host", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "telecal-host-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("starts a job's runner on its journal when the server lists it", () => {
    const host = new JobHost(agent, dir, silentLogger);
    host.take([job]);
    expect(existsSync(join(dir, "jobs", "job-1.jsonl"))).toBe(true);
    host.stop();
  });

  it("once stopped, starts nothing for a list that still arrives (the uplink closes after the runners stop)", () => {
    const host = new JobHost(agent, dir, silentLogger);
    host.stop();
    host.take([job]);
    expect(existsSync(join(dir, "jobs", "job-1.jsonl"))).toBe(false);
  });

  it("stops and forgets a job the server lists as cancelled, and starts none it first hears of as cancelled", () => {
    const host = new JobHost(agent, dir, silentLogger);
    host.take([job]);
    expect(host.envelopeOf("job-1", "cal1")).not.toBeNull();
    host.take([{ ...job, cancelled: true }]);
    expect(host.envelopeOf("job-1", "cal1")).toBeNull();
    host.take([{ ...job, jobId: "job-2", cancelled: true }]);
    expect(existsSync(join(dir, "jobs", "job-2.jsonl"))).toBe(false);
    host.stop();
  });

  it("runs a job edited before its run began afresh on its new binding", () => {
    const host = new JobHost(agent, dir, silentLogger);
    host.take([job]);
    host.take([{ ...job, binding: { calibrator: "cal2", dmm: "dmm1" } }]);
    expect(host.envelopeOf("job-1", "cal1")).toBeNull();
    expect(host.envelopeOf("job-1", "cal2")).not.toBeNull();
    host.stop();
  });

  describe("a journal that holds the run in another order than the server", () => {
    const connect: RunEvent = { kind: "completed", step: "before/connect", values: [], by: "user:t", at: 1 };
    const ambient: RunEvent = { kind: "completed", step: "before/ambient", values: [22, 50], by: "user:t", at: 2 };
    const output: RunEvent = { kind: "completed", step: "dcv-100mv/output", values: [], by: "agent:lab-1", at: 3 };
    const hold: RunEvent = { kind: "held", by: "user:e", at: 4, comment: "接线松动" };
    const file = () => join(dir, "jobs", "job-1.jsonl");
    const journalled = () => readFileSync(file(), "utf8").trim().split("\n").map((l) => JSON.parse(l) as RunEvent);
    const write = (events: RunEvent[]) => {
      mkdirSync(join(dir, "jobs"), { recursive: true });
      writeFileSync(file(), events.map((e) => `${JSON.stringify(e)}\n`).join(""));
    };

    it("takes the server's order: a hold that reached the agent after the bench step it came before on the server", () => {
      write([connect, ambient, output, hold]);
      const host = new JobHost(agent, dir, silentLogger);
      host.take([{ ...job, events: [connect, ambient, hold, output] }]);
      expect(host.envelopeOf("job-1", "cal1")).not.toBeNull();
      expect(journalled()).toEqual([connect, ambient, hold, output]);
      host.stop();
    });

    it("keeps its bench events the server does not hold yet after the server's, to be reported", () => {
      const operate: RunEvent = { kind: "completed", step: "dcv-100mv/operate", values: [], by: "agent:lab-1", at: 5 };
      write([connect, ambient, output, operate]);
      const host = new JobHost(agent, dir, silentLogger);
      host.take([{ ...job, events: [connect, ambient, hold, output] }]);
      expect(journalled()).toEqual([connect, ambient, hold, output, operate]);
      host.stop();
    });

    it("runs nothing when the journal holds a person's event the server does not, and leaves the journal as it was", () => {
      write([connect, ambient, hold]);
      const host = new JobHost(agent, dir, silentLogger);
      host.take([{ ...job, events: [connect, ambient, output] }]);
      expect(host.envelopeOf("job-1", "cal1")).toBeNull();
      expect(journalled()).toEqual([connect, ambient, hold]);
      host.stop();
    });
  });
});
