import { NAMESPACE } from "@telecal/protocols";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitFor } from "../../fakes/bench";
import { createDemoJob } from "../../fakes/demo-job";
import { type DemoStack, startDemoStack } from "../../fakes/demo-stack";

/**
 * The demo agent connected to a real server: a calibrator left in OPER by a remote holder goes to
 * standby when the agent loses its server link, with nobody remote left to watch it.
 */
describe("standby on loss of the server link (the agent's gate)", () => {
  let stack: DemoStack;
  beforeAll(async () => {
    stack = await startDemoStack();
  });
  afterAll(async () => {
    await stack?.close();
  });

  it("the remotely driven calibrator goes to STBY when the server drops the agent", async () => {
    const agent = stack.lab.agent;
    const cal = stack.lab.simulators.get("fluke-5522a")!;
    const job = await createDemoJob(stack);
    const command = (epoch: number, c: object) => agent.commands.execute({ commandId: `c-${JSON.stringify(c)}`, jobId: job.id, instrument: "cal1", epoch, command: c, by: "user:expert" });
    // The agent takes commands for the jobs it runs: this one once the server has sent it.
    await waitFor("the job on the agent", () => (agent.jobs.envelopeOf(job.id, "cal1") !== null ? true : undefined));
    expect(await command(1, { kind: "set", value: 100, unit: "V" })).toMatchObject({ ok: true });
    expect(await command(1, { kind: "output", on: true })).toMatchObject({ ok: true });
    expect(cal.property("operate")).toBe("OPER");

    // The server ends the agent's link (as a lost network ends it, only sooner than missed heartbeats).
    stack.server.io.of(NAMESPACE.agent).disconnectSockets(true);
    await waitFor("the calibrator in standby", () => (cal.property("operate") === "STBY" ? true : undefined), 10_000);
    expect(cal.property("output")).toBe(100);
  });
});
