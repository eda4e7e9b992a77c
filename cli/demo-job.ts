import type { Job } from "@telecal/protocols";
import type { TelecalServer } from "@telecal/server";
import { DEMO_AGENT } from "./demo-lab";

/**
 * The demo bench's DC voltage calibration (calibrator 5522A driving the meter 34465A), started by the
 * technician through the REST API with the expert supervising, as the dashboard's form would.
 */
export async function createDemoJob(server: TelecalServer, technicianToken: string): Promise<Job> {
  const call = async (method: "GET" | "POST", url: string, payload?: object) => {
    const res = await server.app.inject({ method, url, headers: { authorization: `Bearer ${technicianToken}` }, ...(payload ? { payload } : {}) });
    if (res.statusCode >= 300) throw new Error(`technician ${method} ${url}: ${res.statusCode} ${res.body}`);
    return res.json<unknown>();
  };
  const { instruments } = (await call("GET", "/api/instruments")) as { instruments: { id: string; model: string }[] };
  const idOf = (model: string) => {
    const found = instruments.find((i) => i.model === model);
    if (!found) throw new Error(`no ${model} in the demo registry`);
    return found.id;
  };
  return (await call("POST", "/api/jobs", {
    procedureId: "dmm-dcv-jjf1587",
    agentId: DEMO_AGENT.id,
    binding: { calibrator: idOf("5522A"), dmm: idOf("34465A") },
    technician: "technician",
    expert: "expert",
  })) as Job;
}
