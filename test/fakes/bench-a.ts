import { Agent, AgentConfig, type AppliedCommand, getSimDefinition, InstrumentSimulator, serveTcp, type SimServer, silentLogger } from "@telecal/agent";
import type { EnrolledAgent } from "./auth";
import { calibrator, certificate, dmm } from "./registry";

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/** What registerBenchA made: the two instruments' ids and a DMM job on them. */
export interface BenchAIds {
  cal: string;
  dmm: string;
  jobId: string;
}

/**
 * Lab A of org-a in the registry, as the session tests use it: a calibrator (with a valid
 * certificate) and a DMM bound to agent bench-a's cal1 and dmm1, and a DC voltage job the technician
 * made for the expert. `post(who, url, body)` makes one thing as that user and answers its id.
 */
export async function registerBenchA(post: (who: string, url: string, payload: object) => Promise<string>): Promise<BenchAIds> {
  const lab = await post("admin", "/api/labs", { name: "A 电学室" });
  const cal = await post("admin", "/api/instruments", calibrator(lab, "A-CAL", { agentId: "bench-a", agentInstrumentId: "cal1" }));
  const dmmId = await post("admin", "/api/instruments", { ...dmm(lab, "A-DMM"), agentId: "bench-a", agentInstrumentId: "dmm1" });
  await post("admin", `/api/instruments/${cal}/certificates`, certificate("A-1", isoDay(-30), isoDay(300)));
  const jobId = await post("technician", "/api/jobs", { procedureId: "dmm-dcv-jjf1587", agentId: "bench-a", binding: { calibrator: cal, dmm: dmmId }, technician: "technician", expert: "expert" });
  return { cal, dmm: dmmId, jobId };
}

/** Agent bench-a running beside its simulated Fluke 5522A (remotely controllable) and Keysight 34465A. */
export interface BenchA {
  agent: Agent;
  calSim: InstrumentSimulator;
  /** Every command the agent applied, in order. */
  applied: AppliedCommand[];
  /** Stops the simulators, and the agent unless a test stopped it already. */
  close(agentStopped?: boolean): Promise<void>;
}

export async function startBenchA(serverUrl: string, enrolled: EnrolledAgent, intervalMs: number): Promise<BenchA> {
  const calSim = new InstrumentSimulator(getSimDefinition("fluke-5522a"));
  const sims: SimServer[] = [await serveTcp(calSim, "127.0.0.1", 0), await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0)];
  const config = AgentConfig.parse({
    version: 1,
    server: { url: serverUrl },
    agent: { id: "bench-a", name: "A 县电学室" },
    instruments: [
      { id: "cal1", driver: "fluke-5522a", role: "reference", transport: { type: "tcp", host: "127.0.0.1", port: sims[0]!.port }, intervalMs, remoteControl: true },
      { id: "dmm1", driver: "keysight-34465a", role: "uut", transport: { type: "tcp", host: "127.0.0.1", port: sims[1]!.port }, intervalMs },
    ],
  });
  const agent = new Agent(config, silentLogger, undefined, { credential: enrolled.auth, deviceKey: enrolled.deviceKey });
  const applied: AppliedCommand[] = [];
  agent.commands.onApplied((a) => applied.push(a));
  agent.start();
  return {
    agent,
    calSim,
    applied,
    async close(agentStopped = false) {
      if (!agentStopped) await agent.stop();
      for (const s of sims) await s.close();
    },
  };
}
