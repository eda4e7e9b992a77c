import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConformityDecision, IssuedCertificate, Job, JobResults, JobRun } from "@telecal/protocols";
import { checkCertificateResults, jobStream, SHIPPED_PROCEDURES_DIR, startServer, type TelecalServer, verifyCertificateFile } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";
import { driveJob } from "../../fakes/job-driver";
import { calibrator, certificate, dmm } from "../../fakes/registry";
import { certificateDataFor } from "../certificates/fixtures";
import { pdfText } from "../certificates/tools";

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/**
 * The DMM procedure as a 检定 by JJF 1094 with U at k = 3, so that U95 > MPEV/3 at 10 V (MPE 0.35 mV,
 * U about 0.16 mV) and an error of 0.3 mV there is 待定 (a conditional pass).
 */
function verificationProcedureDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "telecal-procedures-"));
  const shipped = readFileSync(join(SHIPPED_PROCEDURES_DIR, "dmm-dcv-jjf1587.yaml"), "utf8");
  const yaml = shipped
    .replace("id: dmm-dcv-jjf1587", "id: dmm-dcv-verify")
    .replace("mode: calibration", "mode: verification")
    .replace("coverage: { k: 2 }", "coverage: { k: 3 }")
    .replace("decision: { rule: simple }", "decision: { rule: jjf-1094 }");
  writeFileSync(join(dir, "dmm-dcv-verify.yaml"), yaml);
  return dir;
}

/**
 * A 检定 job with a 待定 point over the REST routes: issue refused until an expert decides, then a
 * notice. `database` gives a database URL (PostgreSQL) or a SQLite data dir.
 */
export function conformityDecisionsSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`待定 needs an expert's recorded decision before a certificate is issued, on ${name}`, () => {
    const procedureDir = verificationProcedureDir();
    let server: TelecalServer;
    let tokens: Record<string, string>;
    let job: Job;
    const ids: Record<string, string> = {};

    const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const created = async (who: string, url: string, payload: object) => {
      const res = await call(who, "POST", url, payload);
      if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>();
    };
    const code = async (res: Promise<{ statusCode: number; json: () => unknown }>) => {
      const r = await res;
      return `${r.statusCode} ${(r.json() as { code?: string }).code}`;
    };
    const certificateRequest = () => {
      const { lab, customer } = certificateDataFor("balance-jjg1036");
      return { job: job.id, data: { lab, customer, dates: { validUntil: isoDay(365) }, people: { calibrator: ids["technician"], checker: ids["expert"] } } };
    };

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), procedureDirs: [SHIPPED_PROCEDURES_DIR, procedureDir] });
      await seedUsers(server);
      tokens = {};
      for (const who of ["admin", "expert", "technician"]) tokens[who] = await login(server, who);
      ids["technician"] = (await server.store.auth.userByUsername("technician"))!.id;
      ids["expert"] = (await server.store.auth.userByUsername("expert"))!.id;
      await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
      const lab = (await created("admin", "/api/labs", { name: "A 电学室" })).id;
      const cal = (await created("admin", "/api/instruments", calibrator(lab, "A-CAL", { agentId: "bench-a", agentInstrumentId: "cal1" }))).id;
      const meter = (await created("admin", "/api/instruments", { ...dmm(lab, "A-DMM"), agentId: "bench-a", agentInstrumentId: "dmm1" })).id;
      await created("admin", `/api/instruments/${cal}/certificates`, certificate("A-1", isoDay(-300), isoDay(200)));
      job = (await created("technician", "/api/jobs", { procedureId: "dmm-dcv-verify", agentId: "bench-a", binding: { calibrator: cal, dmm: meter }, technician: "technician", expert: "expert" })) as unknown as Job;
      // Every point reads a little high, 10 V reads 10.0003 V: 0.3 mV against ±0.35 mV with U ≈ 0.16 mV.
      await driveJob(server, job.id, { technician: "technician", expert: "expert", readingOf: (step, nominal, i) => (step === "dcv-10v/read" ? 10.0003 : nominal * (1 + 2e-6) + (i % 3) * 1e-7) });
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await done();
      rmSync(procedureDir, { recursive: true, force: true });
    });

    it("the job's results show 待定 at 10 V, and the certificate is refused naming the point until an expert decides", async () => {
      const results = (await call("technician", "GET", `/api/jobs/${job.id}/results`)).json<JobResults>();
      const at10 = results.points.find((p) => p.point === "dcv-10v")!;
      expect(at10.decision).toMatchObject({ rule: "jjf-1094", code: "conditional-pass", label: { zh: "待定" } });
      expect(results.points.filter((p) => p.decision?.code !== "pass").map((p) => p.point)).toEqual(["dcv-10v"]);
      const refused = await call("admin", "POST", "/api/certificates", certificateRequest());
      expect(`${refused.statusCode} ${refused.json<{ code: string }>().code}`).toBe("409 TC_ERR_CERT_UNDECIDED");
      expect(refused.json<{ message: string }>().message).toContain("point dcv-10v 待定");
    });

    it("only an expert decides, on a conditional point, with a comment; the decision is a record of the job and in its run", async () => {
      const decide = (who: string, body: object) => call(who, "POST", `/api/jobs/${job.id}/conformity-decisions`, body);
      expect(await code(decide("technician", { point: "dcv-10v", decision: "accept", comment: "ok" }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(decide("admin", { point: "dcv-10v", decision: "accept", comment: "ok" }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(decide("expert", { point: "dcv-10v", decision: "accept", comment: "  " }))).toBe("400 TC_ERR_VALIDATION");
      expect(await code(decide("expert", { point: "dcv-1v", decision: "accept", comment: "ok" }))).toBe("409 TC_ERR_JOB_DECISION");
      expect(await code(decide("expert", { point: "nosuch", decision: "reject", comment: "ok" }))).toBe("409 TC_ERR_JOB_DECISION");
      const res = await decide("expert", { point: "dcv-10v", decision: "accept", comment: "误差在 MPE 之内，U 偏大；按有条件合格出具通知书" });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json<ConformityDecision>()).toMatchObject({ point: "dcv-10v", decision: "accept", code: "conditional-pass", by: `user:${ids["expert"]}` });
      const run = (await call("technician", "GET", `/api/jobs/${job.id}/run`)).json<JobRun>();
      expect(run.conformityDecisions).toEqual([expect.objectContaining({ point: "dcv-10v", decision: "accept", comment: "误差在 MPE 之内，U 偏大；按有条件合格出具通知书" })]);
      expect(run.people.map((p) => p.id)).toContain(ids["expert"]);
      const record = (await server.store.records.page(0, 100_000)).filter((r) => r.stream === jobStream(job.id)).at(-1)!;
      expect(record.kind).toBe("approval");
      expect(JSON.parse(record.payload)).toMatchObject({ event: "conformity-decision", decision: { point: "dcv-10v", decision: "accept" } });
    });

    it("then issues a 检定结果通知书 with 待定 and conditionalPass, no 有效期至, naming the decision's record; its check recomputes the rows", async () => {
      const res = await call("admin", "POST", "/api/certificates", certificateRequest());
      expect(res.statusCode, res.body).toBe(201);
      const issued = res.json<IssuedCertificate>();
      expect(issued.certificate.kind).toBe("verification-failure-notice");
      const dcc = Buffer.from(issued.dcc, "base64").toString("utf8");
      expect(dcc).toContain("<dcc:conformity>conditionalPass</dcc:conformity>");
      expect(dcc).toContain("检定结果待定");
      const decisionRecord = (await server.store.records.page(0, 100_000)).filter((r) => r.stream === jobStream(job.id) && r.kind === "approval").at(-1)!;
      expect(dcc).toContain(decisionRecord.hash);
      const pdf = Buffer.from(issued.pdf, "base64");
      const text = pdfText(pdf);
      expect(text).toContain("检定结果通知书");
      expect(text).toContain("检定结论 Conclusion 待定 Undetermined");
      expect(text).not.toContain("Valid until");
      const checked = await server.app.inject({ method: "POST", url: "/api/certificates/verify", headers: { "content-type": "application/pdf" }, payload: pdf });
      expect(checked.statusCode, checked.body).toBe(200);
      expect(checked.json()).toMatchObject({ ok: true, results: { job: job.id } });
      expect(checked.json<{ results: { asRecorded?: true } }>().results.asRecorded).toBeUndefined();

      // As versions before conditional results stated it, the 待定 row as `fail` still checks; as `pass`, not.
      const { manifest } = verifyCertificateFile(pdf, "notice.pdf");
      const stated = (decision: "fail" | "pass") => ({ ...manifest, job: { id: job.id, results: manifest.job!.results.map((r) => (r.decision === "conditionalPass" ? { ...r, decision } : r)) } });
      await expect(checkCertificateResults(server.store.db, stated("fail"), "legacy.pdf")).resolves.toMatchObject({ job: job.id });
      await expect(checkCertificateResults(server.store.db, stated("pass"), "forged.pdf")).rejects.toMatchObject({ code: "TC_ERR_CERT_RESULTS" });
    });
  });
}
