import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROLES } from "@telecal/protocols";
import { REGISTRY_STREAM, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers, TEST_PASSWORD } from "../../fakes/auth";
import { BIN, CLI_START_MS } from "../../fakes/cli";
import { calibrator, certificate, dmm } from "../../fakes/registry";

/**
 * Every registry route against every role of org-a, an admin of an unrelated org-b, and an admin and
 * an expert of org-p, the provincial institute that supervises org-a (docs/registry.md).
 */
type Who = "none" | (typeof ROLES)[number] | "admin-b" | "admin-p" | "expert-p";
const SIGNED_IN: Exclude<Who, "none">[] = [...ROLES, "admin-b", "admin-p", "expert-p"];
const EVERYONE: Who[] = ["none", ...SIGNED_IN];
const ORG_A: readonly Who[] = ROLES;
const PARENT: readonly Who[] = ["admin-p", "expert-p"];

describe("registry routes: roles, organisations and bad input", () => {
  let server: TelecalServer | undefined;
  let dataDir: string;
  let tokens: Record<Exclude<Who, "none">, string>;
  let labA: string;
  let labB: string;
  let calA: string;
  let uutA: string;
  let calB: string;

  const app = () => server!.app;
  const headers = (who: Who) => (who === "none" ? {} : { authorization: `Bearer ${tokens[who]}` });
  const call = (who: Who, method: "GET" | "POST", url: string, payload?: object) =>
    app().inject({ method, url, headers: headers(who), ...(payload ? { payload } : {}) });
  const created = async (who: Who, url: string, payload: object) => {
    const res = await call(who, "POST", url, payload);
    if (res.statusCode !== 201) throw new Error(`${who} POST ${url}: ${res.statusCode} ${res.body}`);
    return res.json<{ id: string }>();
  };
  const registryRecords = async () => (await server!.store.records.page(0, 10_000)).filter((r) => r.stream === REGISTRY_STREAM).length;
  const ids = (list: { id: string }[]) => list.map((x) => x.id);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "telecal-registry-routes-"));
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir, auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
    await server.store.auth.createOrganisation("org-p", "省计量院 Province", "provincial-institute");
    await seedUsers(server);
    await server.store.db.updateTable("organisations").set({ parent_id: "org-p" }).where("id", "=", "org-a").execute();
    for (const [username, role] of [["admin-p", "admin"], ["expert-p", "expert"]] as const) {
      await server.store.auth.createUser({ organisationId: "org-p", username, displayName: username, role, password: TEST_PASSWORD });
    }
    const t: Partial<Record<Exclude<Who, "none">, string>> = {};
    for (const who of SIGNED_IN) t[who] = await login(server, who);
    tokens = t as Record<Exclude<Who, "none">, string>;

    labA = (await created("admin", "/api/labs", { name: "A 电学室" })).id;
    labB = (await created("admin-b", "/api/labs", { name: "B 电学室" })).id;
    calA = (await created("admin", "/api/instruments", calibrator(labA, "A-CAL"))).id;
    uutA = (await created("admin", "/api/instruments", dmm(labA, "A-DMM"))).id;
    calB = (await created("admin-b", "/api/instruments", calibrator(labB, "B-CAL"))).id;
    // Due in 10 days: a warning for those who see org-a.
    const due = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10);
    await created("admin", `/api/instruments/${calA}/certificates`, certificate("A-1", "2025-01-01", due));
    await server.store.auth.issueAgentCredential("bench-a", "Bench A", "org-a", null);
    await server.store.auth.issueAgentCredential("bench-b", "Bench B", "org-b", null);
  });
  afterAll(async () => {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("the OpenAPI document lists every registry route", async () => {
    const doc = (await call("none", "GET", "/api/openapi.json")).json<{ paths: Record<string, Record<string, unknown>> }>();
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(routes).toEqual(
      expect.arrayContaining([
        "GET /api/labs",
        "POST /api/labs",
        "GET /api/instruments",
        "POST /api/instruments",
        "GET /api/instruments/{id}",
        "GET /api/instruments/{id}/certificates",
        "POST /api/instruments/{id}/certificates",
        "GET /api/registry/warnings",
        "GET /api/agents",
      ]),
    );
  });

  it("GET /api/labs, /api/instruments, /api/agents, /api/registry/warnings: every role, own organisation and the ones it supervises", async () => {
    for (const who of EVERYONE) {
      const labs = await call(who, "GET", "/api/labs");
      const instruments = await call(who, "GET", "/api/instruments");
      const agents = await call(who, "GET", "/api/agents");
      const warnings = await call(who, "GET", "/api/registry/warnings");
      if (who === "none") {
        for (const res of [labs, instruments, agents, warnings]) expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([401, "TC_ERR_AUTH_REQUIRED"]);
        continue;
      }
      const seesA = ORG_A.includes(who) || PARENT.includes(who);
      expect([who, labs.statusCode, ids(labs.json<{ labs: { id: string }[] }>().labs)]).toEqual([who, 200, seesA ? [labA] : who === "admin-b" ? [labB] : []]);
      expect([who, ids(instruments.json<{ instruments: { id: string }[] }>().instruments).sort()]).toEqual([who, seesA ? [calA, uutA].sort() : who === "admin-b" ? [calB] : []]);
      const agentIds = agents.json<{ agents: { agentId: string }[] }>().agents.map((a) => a.agentId);
      expect([who, agentIds]).toEqual([who, seesA ? ["bench-a"] : ["bench-b"]]);
      expect(agents.json<{ agents: unknown[] }>().agents[0]).toMatchObject({ online: false, lastSeen: expect.any(Number) });
      // calB has no certificate: a warning too, but only for org-b.
      const warned = warnings.json<{ warnings: { instrumentId: string; status: string }[] }>().warnings.map((w) => [w.instrumentId, w.status]);
      expect([who, warnings.statusCode, warned]).toEqual([who, 200, seesA ? [[calA, "due-soon"]] : [[calB, "no-certificate"]]]);
    }
    const narrow = await call("admin", "GET", "/api/registry/warnings?days=5");
    expect(narrow.json()).toMatchObject({ dueSoonDays: 5, warnings: [] });
    const byRole = await call("trainee", "GET", `/api/instruments?role=uut&labId=${labA}`);
    expect(ids(byRole.json<{ instruments: { id: string }[] }>().instruments)).toEqual([uutA]);
  });

  it("GET /api/instruments/:id and its certificates: own organisation and its supervisor; others get not found", async () => {
    for (const who of EVERYONE) {
      for (const url of [`/api/instruments/${calA}`, `/api/instruments/${calA}/certificates`]) {
        const res = await call(who, "GET", url);
        const expected = who === "none" ? [401, "TC_ERR_AUTH_REQUIRED"] : who === "admin-b" ? [404, "TC_ERR_REGISTRY_NOT_FOUND"] : [200, undefined];
        expect([who, url, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, url, ...expected]);
      }
    }
    expect((await call("expert-p", "GET", `/api/instruments/${calA}/certificates`)).json<{ certificates: { number: string }[] }>().certificates.map((c) => c.number)).toEqual(["A-1"]);
    expect((await call("admin", "GET", "/api/instruments/no-such-one")).json<{ code: string }>().code).toBe("TC_ERR_REGISTRY_NOT_FOUND");
  });

  it("POST /api/labs: admins, each into its own organisation", async () => {
    for (const who of EVERYONE) {
      const res = await call(who, "POST", "/api/labs", { name: `lab of ${who}`, region: "浙江省" });
      const admins: Record<string, string> = { admin: "org-a", "admin-b": "org-b", "admin-p": "org-p" };
      if (who === "none") expect(res.statusCode).toBe(401);
      else if (who in admins) expect([who, res.statusCode, res.json<{ organisationId: string }>().organisationId]).toEqual([who, 201, admins[who]]);
      else expect([who, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, 403, "TC_ERR_AUTH_FORBIDDEN"]);
    }
  });

  it("POST /api/instruments: the admin and technicians of the lab's organisation only", async () => {
    const expected: Record<Who, [number, string | undefined]> = {
      none: [401, "TC_ERR_AUTH_REQUIRED"],
      admin: [201, undefined],
      technician: [201, undefined],
      expert: [403, "TC_ERR_AUTH_FORBIDDEN"],
      trainer: [403, "TC_ERR_AUTH_FORBIDDEN"],
      trainee: [403, "TC_ERR_AUTH_FORBIDDEN"],
      "expert-p": [403, "TC_ERR_AUTH_FORBIDDEN"],
      "admin-p": [403, "TC_ERR_REGISTRY_READ_ONLY"],
      "admin-b": [404, "TC_ERR_REGISTRY_NOT_FOUND"],
    };
    for (const who of EVERYONE) {
      const res = await call(who, "POST", "/api/instruments", dmm(labA, `S-${who}`));
      expect([who, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, ...expected[who]]);
    }
  });

  it("POST /api/instruments/:id/certificates: the admin of the standard's organisation only", async () => {
    const expected: Record<Who, [number, string | undefined]> = {
      none: [401, "TC_ERR_AUTH_REQUIRED"],
      admin: [201, undefined],
      technician: [403, "TC_ERR_AUTH_FORBIDDEN"],
      expert: [403, "TC_ERR_AUTH_FORBIDDEN"],
      trainer: [403, "TC_ERR_AUTH_FORBIDDEN"],
      trainee: [403, "TC_ERR_AUTH_FORBIDDEN"],
      "expert-p": [403, "TC_ERR_AUTH_FORBIDDEN"],
      "admin-p": [403, "TC_ERR_REGISTRY_READ_ONLY"],
      "admin-b": [404, "TC_ERR_REGISTRY_NOT_FOUND"],
    };
    for (const who of EVERYONE) {
      const res = await call(who, "POST", `/api/instruments/${calA}/certificates`, certificate(`N-${who}`, "2024-01-01", "2024-12-31"));
      expect([who, res.statusCode, res.json<{ code: string }>().code]).toEqual([who, ...expected[who]]);
    }
  });

  it("refuses each bad input with its code, and stores nothing", async () => {
    const before = await registryRecords();
    const good = certificate("BAD-1", "2026-01-01", "2027-01-01");
    const cases: [string, "GET" | "POST", string, object | undefined, number, string][] = [
      ["lab without a name", "POST", "/api/labs", {}, 400, "TC_ERR_VALIDATION"],
      ["lab with an unknown field", "POST", "/api/labs", { name: "x", owner: "me" }, 400, "TC_ERR_VALIDATION"],
      ["lab name of blanks", "POST", "/api/labs", { name: "   " }, 400, "TC_ERR_VALIDATION"],
      ["lab name taken", "POST", "/api/labs", { name: "A 电学室" }, 409, "TC_ERR_REGISTRY_CONFLICT"],
      ["instrument role unknown", "POST", "/api/instruments", { ...dmm(labA, "Z1"), role: "master" }, 400, "TC_ERR_VALIDATION"],
      ["instrument with an unknown field", "POST", "/api/instruments", { ...dmm(labA, "Z2"), colour: "grey" }, 400, "TC_ERR_VALIDATION"],
      ["instrument without a serial", "POST", "/api/instruments", { ...dmm(labA), serial: "" }, 400, "TC_ERR_VALIDATION"],
      ["agent without its instrument id", "POST", "/api/instruments", { ...dmm(labA, "Z3"), agentId: "bench-a" }, 400, "TC_ERR_VALIDATION"],
      ["instrument of an unknown lab", "POST", "/api/instruments", dmm("no-such-lab", "Z4"), 404, "TC_ERR_REGISTRY_NOT_FOUND"],
      ["instrument bound to another organisation's agent", "POST", "/api/instruments", { ...dmm(labA, "Z5"), agentId: "bench-b", agentInstrumentId: "dmm1" }, 404, "TC_ERR_REGISTRY_NOT_FOUND"],
      ["instrument registered twice", "POST", "/api/instruments", dmm(labA, "A-DMM"), 409, "TC_ERR_REGISTRY_CONFLICT"],
      ["certificate due before issue", "POST", `/api/instruments/${calA}/certificates`, { ...good, dueOn: "2025-12-31" }, 400, "TC_ERR_VALIDATION"],
      ["certificate on a day that does not exist", "POST", `/api/instruments/${calA}/certificates`, { ...good, dueOn: "2027-02-30" }, 400, "TC_ERR_VALIDATION"],
      ["certificate date in another format", "POST", `/api/instruments/${calA}/certificates`, { ...good, issuedOn: "2026/01/01" }, 400, "TC_ERR_VALIDATION"],
      ["certificate without values", "POST", `/api/instruments/${calA}/certificates`, { ...good, values: [] }, 400, "TC_ERR_VALIDATION"],
      ["negative uncertainty", "POST", `/api/instruments/${calA}/certificates`, { ...good, values: [{ ...good.values[0]!, uncertainty: -1 }] }, 400, "TC_ERR_VALIDATION"],
      ["unknown field in a value", "POST", `/api/instruments/${calA}/certificates`, { ...good, values: [{ ...good.values[0]!, note: "x" }] }, 400, "TC_ERR_VALIDATION"],
      ["certificate of a unit under test", "POST", `/api/instruments/${uutA}/certificates`, good, 409, "TC_ERR_NOT_A_REFERENCE"],
      ["certificate number twice", "POST", `/api/instruments/${calA}/certificates`, { ...good, number: "A-1" }, 409, "TC_ERR_REGISTRY_CONFLICT"],
      ["certificate of an unknown instrument", "POST", "/api/instruments/nope/certificates", good, 404, "TC_ERR_REGISTRY_NOT_FOUND"],
      ["bad instrument id in the path", "GET", "/api/instruments/bad%20id", undefined, 400, "TC_ERR_VALIDATION"],
      ["unknown role filter", "GET", "/api/instruments?role=master", undefined, 400, "TC_ERR_VALIDATION"],
      ["unknown query parameter", "GET", "/api/instruments?colour=grey", undefined, 400, "TC_ERR_VALIDATION"],
      ["negative warning days", "GET", "/api/registry/warnings?days=-1", undefined, 400, "TC_ERR_VALIDATION"],
    ];
    for (const [what, method, url, payload, status, code] of cases) {
      const res = await call("admin", method, url, payload);
      expect([what, res.statusCode, res.json<{ code: string }>().code]).toEqual([what, status, code]);
    }
    expect(await registryRecords()).toBe(before);
  });

  it("every registry change is a record, and `telecal verify` passes on the data dir", async () => {
    const records = await server!.store.records.page(0, 10_000);
    const changes = records.filter((r) => r.stream === REGISTRY_STREAM).map((r) => (JSON.parse(r.payload) as { change: string }).change);
    expect(changes.slice(0, 6)).toEqual(["lab-created", "lab-created", "instrument-created", "instrument-created", "instrument-created", "certificate-added"]);
    await server!.close();
    server = undefined;
    const verify = spawnSync(process.execPath, [BIN, "verify", "--data-dir", dataDir], { encoding: "utf8", timeout: CLI_START_MS });
    expect(verify.stderr).toBe("");
    expect(verify.status).toBe(0);
    expect(verify.stdout).toContain(`telecal verify: OK: ${records.length} records`);
  });
});
