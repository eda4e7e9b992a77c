import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { isConditional, type Procedure } from "@telecal/metrology";
import type { TelecalServer } from "@telecal/server";
import { DEMO_ORGANISATION } from "./demo-lab";
import type { DemoJobRun } from "./demo-run";

/** The demo's 批准人, a third person beside the job's technician (校准员) and expert (核验员). */
const APPROVER = { username: "demo-approver", displayName: "王工 (演示批准人)", role: "expert" } as const;

const day = (t: number) => new Date(t).toISOString().slice(0, 10);

/**
 * Issues the demo job's certificate on the demo server, as its 批准人 would, and writes the DCC and
 * the Chinese and English PDFs into `dir`. Answers the paths written.
 */
export async function writeDemoCertificate(server: TelecalServer, procedure: Procedure, run: DemoJobRun, dir: string): Promise<string[]> {
  const approver =
    (await server.store.auth.userByUsername(APPROVER.username)) ??
    (await server.store.auth.createUser({ organisationId: DEMO_ORGANISATION.id, ...APPROVER, password: `demo-${Math.random().toString(36).slice(2)}-pw` }));
  const now = Date.now();
  const uut = procedure.equipment.find((e) => e.role === "uut");
  // The rest is the job's to say: method, standards, environment, results and the raw records.
  const data = {
    lab: {
      name: { zh: "演示县计量站", en: "Demo county metrology station" },
      address: "演示路 1 号",
      city: "演示县",
      country: "CN",
      email: "demo@telecal.invalid",
      accreditation: "演示授权 DEMO-0001",
    },
    customer: { name: "演示委托单位", address: "演示县演示街 2 号" },
    // The item as the customer's delivery note names it, when the job binds none (a gauge read by eye).
    item: { name: uut?.name ?? procedure.title, maker: "Demo", model: uut?.drivers[0] ?? "demo", serial: `DEMO-${procedure.id.slice(0, 8).toUpperCase()}` },
    dates: procedure.mode === "verification" ? { validUntil: day(now + 364 * 86_400_000) } : {},
    people: { calibrator: run.technician.id, checker: run.expert.id },
  };
  // A 待定 point is issued only on an expert's decision: the demo expert accepts it, saying so.
  if (procedure.mode === "verification") {
    const { points } = await server.jobs.evidence(run.expert, run.jobId);
    for (const p of points.filter((r) => r.decision && (isConditional(r.decision.code) || r.decision.code === "undetermined"))) {
      await server.jobs.decideConformity(run.expert, run.jobId, { point: p.point, decision: "accept", comment: "演示：专家接受待定结果 demo: the expert accepts the undetermined result" });
    }
  }
  const issued = await server.certificates.issue(approver, { job: run.jobId, data });
  mkdirSync(dir, { recursive: true });
  const base = join(resolve(dir), issued.certificate.number);
  const files: [string, string][] = [
    [`${base}.xml`, issued.dcc],
    [`${base}.pdf`, issued.pdf],
    [`${base}.en.pdf`, issued.pdfEn],
  ];
  for (const [path, b64] of files) writeFileSync(path, Buffer.from(b64, "base64"));
  return files.map(([path]) => path);
}
