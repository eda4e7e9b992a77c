import { spawnSync } from "node:child_process";
import { planOf } from "@telecal/metrology";
import type { IssuedCertificate, Job, JobResults, JobRun, ProcedureList } from "@telecal/protocols";
import { jobStream, loadProcedures, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { BIN } from "../../fakes/cli";
import { driveJob } from "../../fakes/job-driver";
import { calibrator, certificate, dmm } from "../../fakes/registry";
import { certificateDataFor } from "../certificates/fixtures";

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);
const procedure = loadProcedures().get("dmm-dcv-jjf1587")!;
const plan = planOf(procedure);

/**
 * Jobs over the REST routes on a real server: creation checks (procedure, binding, standards'
 * validity, people), who may answer which step, the run's order, and every event in the record log.
 * `database` gives a database URL (PostgreSQL) or nothing (a SQLite data dir).
 */
export function jobsSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string; verifyArgs: string[] }>, done: () => Promise<void>) {
  describe(`jobs on ${name}`, () => {
    let server: TelecalServer;
    let verifyArgs: string[];
    let tokens: Record<string, string>;
    const ids: Record<string, string> = {};

    const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const created = async (who: string, url: string, payload: object) => {
      const res = await call(who, "POST", url, payload);
      if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>();
    };
    const jobRequest = (over: object = {}) => ({
      procedureId: "dmm-dcv-jjf1587",
      agentId: "bench-a",
      binding: { calibrator: ids["cal"], dmm: ids["dmm"] },
      technician: "technician",
      expert: "expert",
      ...over,
    });
    const code = async (res: Promise<{ statusCode: number; json: () => unknown }>) => {
      const r = await res;
      return `${r.statusCode} ${(r.json() as { code?: string }).code}`;
    };

    beforeAll(async () => {
      const db = await database();
      verifyArgs = db.verifyArgs;
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...db, auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      await server.store.auth.createUser({ organisationId: "org-a", username: "technician-2", displayName: "t2", role: "technician", password: TEST_PASSWORD });
      tokens = {};
      for (const who of ["admin", "expert", "technician", "technician-2", "trainee", "admin-b"]) tokens[who] = await login(server, who);
      await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
      const lab = (await created("admin", "/api/labs", { name: "A 电学室" })).id;
      ids["cal"] = (await created("admin", "/api/instruments", calibrator(lab, "A-CAL", { agentId: "bench-a", agentInstrumentId: "cal1" }))).id;
      ids["dmm"] = (await created("admin", "/api/instruments", { ...dmm(lab, "A-DMM"), agentId: "bench-a", agentInstrumentId: "dmm1" })).id;
      ids["oldCal"] = (await created("admin", "/api/instruments", calibrator(lab, "A-OLD", { agentId: "bench-a", agentInstrumentId: "cal0" }))).id;
      ids["looseCal"] = (await created("admin", "/api/instruments", calibrator(lab, "A-LOOSE"))).id;
      await created("admin", `/api/instruments/${ids["cal"]}/certificates`, certificate("A-1", isoDay(-300), isoDay(20)));
      await created("admin", `/api/instruments/${ids["oldCal"]}/certificates`, certificate("A-0", isoDay(-400), isoDay(-1)));
      await created("admin", `/api/instruments/${ids["looseCal"]}/certificates`, certificate("A-2", isoDay(-10), isoDay(300)));
    });
    afterAll(async () => {
      await server?.close();
      await done();
    });

    it("creates a job when its standards are valid; a standard due soon comes back as a warning", async () => {
      const job = await created("technician", "/api/jobs", jobRequest()) as unknown as Job;
      expect(job).toMatchObject({ procedureId: "dmm-dcv-jjf1587", mode: "calibration", status: "running", next: "before/connect", nextKind: "instruction", done: 0, steps: plan.length });
      expect(job.binding).toEqual({ calibrator: { instrumentId: ids["cal"], agentInstrumentId: "cal1" }, dmm: { instrumentId: ids["dmm"], agentInstrumentId: "dmm1" } });
      expect(job.standards).toEqual([expect.objectContaining({ instrumentId: ids["cal"], status: "due-soon", daysLeft: 20 })]);
      const list = (await call("trainee", "GET", "/api/jobs")).json<{ jobs: Job[] }>();
      expect(list.jobs.map((j) => j.id)).toContain(job.id);
      expect((await call("admin-b", "GET", `/api/jobs/${job.id}`)).statusCode).toBe(404);
    });

    it("refuses a job with a past-due standard, a standard not on the bench, missing equipment, an unknown procedure, wrong people", async () => {
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ binding: { calibrator: ids["oldCal"], dmm: ids["dmm"] } })))).toBe("409 TC_ERR_STANDARD_PAST_DUE");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ binding: { calibrator: ids["looseCal"], dmm: ids["dmm"] } })))).toBe("400 TC_ERR_JOB_BINDING");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ binding: { dmm: ids["dmm"] } })))).toBe("400 TC_ERR_JOB_BINDING");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ binding: { calibrator: ids["dmm"], dmm: ids["dmm"] } })))).toBe("400 TC_ERR_JOB_BINDING");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ procedureId: "nope" })))).toBe("404 TC_ERR_UNKNOWN_PROCEDURE");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ expert: "technician-2" })))).toBe("400 TC_ERR_JOB_PEOPLE");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ technician: "admin-b" })))).toBe("400 TC_ERR_JOB_PEOPLE");
      expect(await code(call("admin-b", "POST", "/api/jobs", jobRequest()))).toBe("404 TC_ERR_REGISTRY_NOT_FOUND");
      expect(await code(call("trainee", "POST", "/api/jobs", jobRequest()))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("technician", "POST", "/api/jobs", jobRequest({ surprise: 1 })))).toBe("400 TC_ERR_VALIDATION");
    });

    it("lets only the job's technician and expert answer their steps, in the run's order, each a record", async () => {
      const job = (await created("expert", "/api/jobs", jobRequest())) as unknown as Job;
      const events = (who: string, body: object) => call(who, "POST", `/api/jobs/${job.id}/events`, body);
      expect(await code(events("expert", { kind: "completed", step: "before/connect" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      expect(await code(events("technician-2", { kind: "completed", step: "before/connect" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      expect(await code(events("trainee", { kind: "completed", step: "before/connect" }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(events("technician", { kind: "completed", step: "before/ambient", values: [22, 50] }))).toBe("409 TC_ERR_STEP_OUT_OF_ORDER");
      expect((await events("technician", { kind: "completed", step: "before/connect" })).json()).toMatchObject({ next: "before/ambient", done: 1 });
      expect(await code(events("technician", { kind: "completed", step: "before/ambient", values: [22] }))).toBe("409 TC_ERR_STEP_OUT_OF_ORDER");
      // Outside the procedure's 18-28 °C and 20-75 %RH: refused, naming the value and the limits; nothing stored (the records below).
      const hot = await events("technician", { kind: "completed", step: "before/ambient", values: [30, 51] });
      expect(`${hot.statusCode} ${hot.json<{ code: string }>().code}`).toBe("422 TC_ERR_ENVIRONMENT_OUT_OF_LIMITS");
      expect(hot.json<{ message: string }>().message).toMatch(/^环境温度 30 °C 超出规程允许的 18 ~ 28 °C；temperature 30 °C is outside the procedure's 18 to 28 °C/);
      expect(await code(events("technician", { kind: "completed", step: "before/ambient", values: [22, 80] }))).toBe("422 TC_ERR_ENVIRONMENT_OUT_OF_LIMITS");
      expect((await events("technician", { kind: "completed", step: "before/ambient", values: [22.4, 51] })).json()).toMatchObject({ next: "dcv-100mv/output", nextKind: "set" });
      // The next step is the bench's: a person cannot report it.
      expect(await code(events("technician", { kind: "completed", step: "dcv-100mv/output" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      expect((await events("expert", { kind: "held", comment: "接线松动" })).json()).toMatchObject({ status: "held" });
      expect(await code(events("technician", { kind: "held" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      expect((await events("expert", { kind: "resumed" })).json()).toMatchObject({ status: "running" });
      // The agent reports the bench's steps; a people's step it cannot.
      const afterBench = await server.jobs.addAgentEvent("bench-a", job.id, { kind: "completed", step: "dcv-100mv/output", values: [], by: "agent:bench-a", at: Date.now() });
      expect(afterBench.next).toBe("dcv-100mv/operate");
      await expect(server.jobs.addAgentEvent("bench-b", job.id, { kind: "completed", step: "dcv-100mv/operate", values: [], by: "x", at: 1 })).rejects.toMatchObject({ code: "TC_ERR_JOB_NOT_FOUND" });
      // A bench step that fails for good: the agent holds the run with the reason; only the expert resumes.
      const reason = "dcv-100mv/operate: TC_ERR_INSTRUMENT_ERROR: cal1 answered -222 Data out of range";
      expect(await server.jobs.addAgentEvent("bench-a", job.id, { kind: "held", comment: reason, by: "agent:bench-a", at: Date.now() })).toMatchObject({ status: "held", next: "dcv-100mv/operate" });
      await expect(server.jobs.addAgentEvent("bench-a", job.id, { kind: "resumed", by: "agent:bench-a", at: Date.now() })).rejects.toMatchObject({ code: "TC_ERR_JOB_FORBIDDEN" });
      expect((await call("trainee", "GET", `/api/jobs/${job.id}`)).json()).toMatchObject({ status: "held" });
      expect((await events("expert", { kind: "resumed" })).json()).toMatchObject({ status: "running", next: "dcv-100mv/operate" });

      const records = (await server.store.records.page(0, 100_000)).filter((r) => r.stream === jobStream(job.id));
      expect(records.map((r) => r.kind)).toEqual(Array(8).fill("procedure-event"));
      expect(JSON.parse(records[2]!.payload)).toMatchObject({ event: "run", run: { kind: "completed", step: "before/ambient", values: [22.4, 51] } });
      expect(records[0]!.actor).toMatch(/^user:/);
      // The bench's step, the bench's hold, the expert's resume (the expert held first, records[3]).
      expect(records.map((r) => r.actor).slice(-3)).toEqual(["agent:bench-a", "agent:bench-a", records[3]!.actor]);
      expect(JSON.parse(records.at(-2)!.payload)).toMatchObject({ run: { kind: "held", comment: reason } });
    });

    it("gives a job's run whole (procedure, events, people by id) to its organisation only, and the procedures", async () => {
      const job = (await created("technician", "/api/jobs", jobRequest())) as unknown as Job;
      await call("technician", "POST", `/api/jobs/${job.id}/events`, { kind: "completed", step: "before/connect" });
      const run = (await call("trainee", "GET", `/api/jobs/${job.id}/run`)).json<JobRun>();
      expect(run.job).toMatchObject({ id: job.id, next: "before/ambient", done: 1 });
      expect((run.procedure as { id: string }).id).toBe("dmm-dcv-jjf1587");
      expect(run.events).toEqual([expect.objectContaining({ kind: "completed", step: "before/connect", by: `user:${job.technicianId}` })]);
      expect(run.people.map((p) => [p.id, p.username]).sort()).toEqual(
        [
          [job.technicianId, "technician"],
          [job.expertId, "expert"],
        ].sort(),
      );
      expect(await code(call("admin-b", "GET", `/api/jobs/${job.id}/run`))).toBe("404 TC_ERR_JOB_NOT_FOUND");
      const { procedures } = (await call("trainee", "GET", "/api/procedures")).json<ProcedureList>();
      expect(procedures.map((p) => p.id).sort()).toEqual(["balance-jjg1036", "dmm-dcv-jjf1587", "pressure-gauge-jjg52", "thermometer-bath"]);
      expect(procedures.find((p) => p.id === "dmm-dcv-jjf1587")!.equipment.map((e) => e.id)).toEqual(["calibrator", "dmm"]);
    });

    it("a finished job's results come from its raw records; a certificate issued from it states them, and checking it recomputes them", async () => {
      const job = await created("technician", "/api/jobs", jobRequest()) as unknown as Job;
      const { lab, customer, results: given, method } = certificateDataFor("dmm-dcv-jjf1587");
      const ids2 = { expert: (await server.store.auth.userByUsername("expert"))!.id, technician: (await server.store.auth.userByUsername("technician"))!.id, trainer: (await server.store.auth.userByUsername("trainer"))!.id };
      // What a request says of the results, the method or the standards is not what the certificate states.
      const request = { job: job.id, data: { lab, customer, dates: {}, results: given.map((r) => ({ ...r, error: 0, U: 0.000001 })), method: { ...method, code: "JJF 0000" } } };
      expect(await code(call("admin", "POST", "/api/certificates", request))).toBe("409 TC_ERR_JOB_NOT_FINISHED");
      await driveJob(server, job.id, { technician: "technician", expert: "expert" });

      const results = (await call("trainee", "GET", `/api/jobs/${job.id}/results`)).json<JobResults>();
      const points = results.points;
      expect(results.finished).toBe(true);
      expect(points.map((p) => p.point)).toEqual(procedure.points.map((p) => p.id));
      // Every reading read nominal·(1 + 2e-6) + 0, 1 or 2 × 1e-7 (mean 0.9e-7): that is the error.
      for (const p of points) expect(p.error! / (p.nominal * 2e-6 + 9e-8)).toBeCloseTo(1, 6);
      const reads = plan.filter((s) => s.step.kind === "read").length;
      expect(results.records.filter((r) => r.kind === "reading-batch")).toHaveLength(reads);
      expect(results.records.filter((r) => r.stream === jobStream(job.id))).toHaveLength(plan.length + 2);
      // The results as the run ended are a record of the job too, the same as computed now.
      const ended = (await server.store.records.page(0, 100_000)).filter((r) => r.stream === jobStream(job.id)).at(-1)!;
      expect(JSON.parse(ended.payload)).toEqual({ event: "results", points });

      // 校准员 and 核验员 are the job's (the technician, and the expert who approved the review): the expert cannot also sign, nor a request name others.
      expect(await code(call("expert", "POST", "/api/certificates", request))).toBe("400 TC_ERR_CERT_PEOPLE");
      expect(await code(call("admin", "POST", "/api/certificates", { ...request, data: { ...request.data, people: { checker: ids2.trainer } } }))).toBe("400 TC_ERR_CERT_PEOPLE");
      expect(await code(call("admin-b", "POST", "/api/certificates", request))).toBe("404 TC_ERR_JOB_NOT_FOUND");
      const res = await call("admin", "POST", "/api/certificates", { ...request, data: { ...request.data, people: { calibrator: ids2.technician, checker: ids2.expert } } });
      expect(res.statusCode, res.body).toBe(201);
      const issued = res.json<IssuedCertificate>();
      const dcc = Buffer.from(issued.dcc, "base64").toString("utf8");
      for (const r of results.records) expect(dcc).toContain(r.hash);
      // The rows are the job's, one per point, the DMM's serial from the registry, the procedure's method.
      expect([...dcc.matchAll(/<si:uncertainty>/g)]).toHaveLength(points.length);
      expect(dcc).toContain("A-DMM");
      expect(dcc).toContain(procedure.regulation.code);
      expect(dcc).not.toContain("JJF 0000");
      const checked = await server.app.inject({ method: "POST", url: "/api/certificates/verify", headers: { "content-type": "application/pdf" }, payload: Buffer.from(issued.pdf, "base64") });
      expect(checked.statusCode, checked.body).toBe(200);
      expect(checked.json()).toMatchObject({ ok: true, results: { job: job.id, points: points.length, records: results.records.length } });
      // One valid certificate per job: another is an amendment of it.
      expect(await code(call("admin", "POST", "/api/certificates", request))).toBe("409 TC_ERR_CERT_STATE");
      const amended = await call("admin", "POST", "/api/certificates", { ...request, replaces: issued.certificate.id, reason: "customer address" });
      expect(amended.statusCode, amended.body).toBe(201);
    }, 60_000);

    it("refuses results a bench report does not support: no source named, another instrument's readings, a reading counted twice", async () => {
      for (const [tamper, reason] of [
        ["no-from", /without where they came from/],
        ["other-stream", /readings of cal1\.output, not of the dmm/],
        ["twice", /time stamp is given twice/],
      ] as const) {
        const job = await created("technician", "/api/jobs", jobRequest()) as unknown as Job;
        await driveJob(server, job.id, { technician: "technician", expert: "expert", tamper });
        const res = await call("expert", "GET", `/api/jobs/${job.id}/results`);
        expect(`${res.statusCode} ${res.json<{ code: string }>().code}`, tamper).toBe("422 TC_ERR_CERT_RESULTS");
        expect(res.json<{ message: string }>().message, tamper).toMatch(reason);
      }
    }, 60_000);

    it("telecal verify passes over the log with the jobs' records", () => {
      const verify = spawnSync(process.execPath, [BIN, "verify", ...verifyArgs], { encoding: "utf8", timeout: 60_000 });
      expect(verify.status, `${verify.stdout}${verify.stderr}`).toBe(0);
    });
  });
}
