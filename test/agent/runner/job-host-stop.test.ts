import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Agent, JobHost, silentLogger } from "@telecal/agent";
import type { AgentJob } from "@telecal/protocols";
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
});
