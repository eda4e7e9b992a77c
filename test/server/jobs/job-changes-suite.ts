import type { Job, JobRun } from "@telecal/protocols";
import { jobStream, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { calibrator, certificate, dmm } from "../../fakes/registry";

const DAY = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * DAY).toISOString().slice(0, 10);

/**
 * Issue 18, item 1: a job can be edited before it starts and cancelled at any time, each a record
 * with who and why; the list shows its item, serial and technician.
 */
export function jobChangesSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`editing and cancelling a job on ${name}`, () => {
    let server: TelecalServer;
    const tokens: Record<string, string> = {};
    const ids: Record<string, string> = {};
    const call = (who: string, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[who]}` }, ...(payload ? { payload } : {}) });
    const created = async (who: string, url: string, payload: object) => {
      const res = await call(who, "POST", url, payload);
      if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<{ id: string }>().id;
    };
    const newJob = async () => (await call("technician", "POST", "/api/jobs", { procedureId: "dmm-dcv-jjf1587", agentId: "bench-a", binding: { calibrator: ids["cal"], dmm: ids["dmm"] }, technician: "technician", expert: "expert" })).json<Job>();
    const code = async (res: Promise<{ statusCode: number; json: () => unknown }>) => {
      const r = await res;
      return `${r.statusCode} ${(r.json() as { code?: string }).code}`;
    };
    const records = async (jobId: string) => (await server.store.records.page(0, 100_000)).filter((r) => r.stream === jobStream(jobId)).map((r) => ({ actor: r.actor, payload: JSON.parse(r.payload) as Record<string, unknown> }));

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      await server.store.auth.createUser({ organisationId: "org-a", username: "technician-2", displayName: "李技术员", role: "technician", password: TEST_PASSWORD });
      for (const who of ["admin", "expert", "technician", "technician-2", "trainee", "admin-b"]) tokens[who] = await login(server, who);
      await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
      const lab = await created("admin", "/api/labs", { name: "A 电学室" });
      ids["cal"] = await created("admin", "/api/instruments", calibrator(lab, "A-CAL", { agentId: "bench-a", agentInstrumentId: "cal1" }));
      ids["cal2"] = await created("admin", "/api/instruments", calibrator(lab, "A-CAL2", { agentId: "bench-a", agentInstrumentId: "cal2" }));
      ids["dmm"] = await created("admin", "/api/instruments", { ...dmm(lab, "MY-DMM-7"), agentId: "bench-a", agentInstrumentId: "dmm1" });
      await created("admin", `/api/instruments/${ids["cal"]}/certificates`, certificate("A-1", isoDay(-30), isoDay(300)));
      await created("admin", `/api/instruments/${ids["cal2"]}/certificates`, certificate("A-2", isoDay(-30), isoDay(300)));
    });
    afterAll(async () => {
      await server?.close();
      await done();
    });

    it("edits the binding and people before the run begins, checked as at creation, with a record of old and new", async () => {
      const job = await newJob();
      expect(job).toMatchObject({ startedAt: null, cancelled: null, technician: { username: "technician" }, item: { maker: "Keysight", model: "34465A", serial: "MY-DMM-7" } });
      expect(await code(call("technician", "POST", `/api/jobs/${job.id}/edit`, { binding: { calibrator: ids["dmm"], dmm: ids["dmm"] } }))).toBe("400 TC_ERR_JOB_BINDING");
      expect(await code(call("technician", "POST", `/api/jobs/${job.id}/edit`, { expert: "technician-2" }))).toBe("400 TC_ERR_JOB_PEOPLE");
      expect(await code(call("admin-b", "POST", `/api/jobs/${job.id}/edit`, { technician: "technician-2" }))).toBe("404 TC_ERR_JOB_NOT_FOUND");
      expect(await code(call("technician-2", "POST", `/api/jobs/${job.id}/edit`, { technician: "technician-2" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      const edited = await call("admin", "POST", `/api/jobs/${job.id}/edit`, { binding: { calibrator: ids["cal2"], dmm: ids["dmm"] }, technician: "technician-2", reason: "张工请假" });
      expect(edited.statusCode).toBe(200);
      expect(edited.json<Job>()).toMatchObject({ technician: { username: "technician-2", displayName: "李技术员" }, binding: { calibrator: { instrumentId: ids["cal2"], agentInstrumentId: "cal2" } } });
      // The agent hears of its new binding; the log keeps who changed what, and why.
      expect((await server.jobs.agentJob(job.id))!.binding).toEqual({ calibrator: "cal2", dmm: "dmm1" });
      const admin = (await server.store.auth.userByUsername("admin"))!;
      const edit = (await records(job.id)).find((r) => r.payload["event"] === "job-edited")!;
      expect(edit.actor).toBe(`user:${admin.id}`);
      expect(edit.payload).toMatchObject({ by: `user:${admin.id}`, reason: "张工请假", old: { binding: { calibrator: { instrumentId: ids["cal"] } } }, new: { binding: { calibrator: { instrumentId: ids["cal2"] } } } });
      // Once its first step is done, the job is what it is: cancel it to change it.
      const technician2 = (await server.store.auth.userByUsername("technician-2"))!;
      await server.jobs.addPeopleEvent(technician2, job.id, { kind: "completed", step: "before/connect", values: [] });
      expect(await code(call("admin", "POST", `/api/jobs/${job.id}/edit`, { technician: "technician" }))).toBe("409 TC_ERR_JOB_STARTED");
      expect((await call("trainee", "GET", `/api/jobs/${job.id}`)).json<Job>().startedAt).toEqual(expect.any(Number));
    });

    it("cancels a job at any time before it finished, with who and why; nothing of its run is taken after", async () => {
      const job = await newJob();
      const expert = (await server.store.auth.userByUsername("expert"))!;
      await server.jobs.addAgentEvent("bench-a", job.id, { kind: "held", comment: "TC_ERR_UNKNOWN_DRIVER: no driver named fluke-5522a.control", by: "agent:bench-a", at: Date.now() }).catch(() => undefined);
      expect(await code(call("trainee", "POST", `/api/jobs/${job.id}/cancel`, { reason: "x" }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(await code(call("technician-2", "POST", `/api/jobs/${job.id}/cancel`, { reason: "x" }))).toBe("403 TC_ERR_JOB_FORBIDDEN");
      expect(await code(call("expert", "POST", `/api/jobs/${job.id}/cancel`, { reason: "  " }))).toBe("400 TC_ERR_VALIDATION");
      const cancelled = await call("expert", "POST", `/api/jobs/${job.id}/cancel`, { reason: "绑定错误，重新建任务" });
      expect(cancelled.statusCode).toBe(200);
      expect(cancelled.json<Job>()).toMatchObject({ status: "cancelled", cancelled: { by: `user:${expert.id}`, reason: "绑定错误，重新建任务", at: expect.any(Number) } });
      expect(await code(call("expert", "POST", `/api/jobs/${job.id}/cancel`, { reason: "again" }))).toBe("409 TC_ERR_JOB_CLOSED");
      expect(await code(call("expert", "POST", `/api/jobs/${job.id}/events`, { kind: "resumed" }))).toBe("409 TC_ERR_JOB_CLOSED");
      expect(await code(call("technician", "POST", `/api/jobs/${job.id}/edit`, { technician: "technician-2" }))).toBe("409 TC_ERR_JOB_CLOSED");
      await expect(server.jobs.addAgentEvent("bench-a", job.id, { kind: "completed", step: "before/connect", values: [], by: "agent:bench-a", at: Date.now() })).rejects.toMatchObject({ code: "TC_ERR_JOB_CLOSED" });
      // The agent is told, so that its runner stops; the record names who and why.
      expect(await server.jobs.agentJob(job.id)).toMatchObject({ cancelled: true });
      expect((await server.jobs.agentJobs("bench-a")).find((j) => j.jobId === job.id)).toMatchObject({ cancelled: true });
      expect((await records(job.id)).at(-1)).toEqual({ actor: `user:${expert.id}`, payload: { event: "job-cancelled", by: `user:${expert.id}`, at: expect.any(Number), reason: "绑定错误，重新建任务" } });
      const run = (await call("technician", "GET", `/api/jobs/${job.id}/run`)).json<JobRun>();
      expect(run.people.map((p) => p.username)).toContain("expert");
      const listed = (await call("trainee", "GET", "/api/jobs")).json<{ jobs: Job[] }>().jobs.find((j) => j.id === job.id);
      expect(listed).toMatchObject({ status: "cancelled", item: { serial: "MY-DMM-7" }, technician: { username: "technician" } });
    });
  });
}
