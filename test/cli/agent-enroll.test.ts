import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { getSimDefinition, InstrumentSimulator, serveTcp, type SimServer } from "@telecal/agent";
import { NAMESPACE, type UiSnapshot } from "@telecal/protocols";
import { databaseUrlFor, Store } from "@telecal/server";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, type Running, runTelecal } from "../fakes/cli";

const run = promisify(execFile);

/** Real processes throughout: `telecal user add`, `telecal server`, `telecal agent enroll`, `telecal agent`. */
describe("telecal agent enroll, then telecal agent streams with the stored credential", () => {
  let dir: string;
  let server: Running;
  let agent: Running | null = null;
  let sim: SimServer;
  let url: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-enroll-"));
    const env = { ...process.env, TELECAL_PASSWORD: "first-admin-pw" };
    const added = await run(process.execPath, [BIN, "user", "add", "root", "--admin", "--organisation", "prov", "--data-dir", join(dir, "server")], { env });
    expect(added.stdout).toContain("user root (admin) added to prov");
    server = await runTelecal(["server", "--host", "127.0.0.1", "--port", "0", "--data-dir", join(dir, "server")], /telecal server at http:\/\/\S+:\d+/);
    url = /telecal server at (http:\/\/\S+)/.exec(server.stdout())![1]!;
    sim = await serveTcp(new InstrumentSimulator(getSimDefinition("keysight-34465a")), "127.0.0.1", 0);
  });
  afterAll(async () => {
    await agent?.stop();
    await server?.stop();
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the first admin signs in, makes a token; the agent enrols once, keeps its secrets 0600, and streams", async () => {
    const login = await fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "root", password: "first-admin-pw" }) });
    expect(login.status).toBe(200);
    const { token: session } = (await login.json()) as { token: string };
    const made = await fetch(`${url}/api/agents/enrolment-tokens`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${session}` }, body: "{}" });
    expect(made.status).toBe(201);
    const { token } = (await made.json()) as { token: string };

    const configFile = join(dir, "agent.yaml");
    writeFileSync(
      configFile,
      [
        "version: 1",
        `server: { url: "${url}" }`,
        "agent: { id: lab-enrolled, name: Enrolled lab }",
        "dataDir: ./agent-state",
        "instruments:",
        `  - { id: dmm1, driver: keysight-34465a, role: uut, transport: { type: tcp, host: 127.0.0.1, port: ${sim.port} }, intervalMs: 100 }`,
      ].join("\n"),
    );
    const enrolled = await run(process.execPath, [BIN, "agent", "enroll", "--server", url, "--token", token, "--config", configFile]);
    expect(enrolled.stdout).toContain("agent lab-enrolled enrolled");
    const state = join(dir, "agent-state");
    for (const file of ["device-key.pem", "agent-credential.json"]) expect([file, statSync(join(state, file)).mode & 0o777]).toEqual([file, 0o600]);
    expect(readFileSync(join(state, "device-key.pem"), "utf8")).toContain("BEGIN PRIVATE KEY");

    const again = await run(process.execPath, [BIN, "agent", "enroll", "--server", url, "--token", token, "--config", configFile]).catch((e: { code: number; stderr: string }) => e);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain("TC_ERR_AUTH_ENROLMENT_TOKEN");

    agent = await runTelecal(["agent", "--config", configFile], /telecal agent lab-enrolled: 1 instrument/);
    const ui = io(`${url}${NAMESPACE.ui}`, { transports: ["websocket"], forceNew: true, auth: { token: session } });
    try {
      const deadline = Date.now() + 20_000;
      let points = 0;
      while (points < 3) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for 3 readings of lab-enrolled/dmm1.dcv; agent stderr: ${agent.stderr()}`);
        const reply = (await ui.timeout(5000).emitWithAck("snapshot").catch(() => null)) as { ok: boolean; snapshot?: UiSnapshot } | null;
        points = reply?.snapshot?.history["lab-enrolled:dmm1.dcv"]?.length ?? 0;
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      ui.close();
    }

    // The server kept the agent's public key (for signed batches) and only a hash of its credential.
    await agent.stop();
    agent = null;
    await server.stop();
    const store = await Store.open(databaseUrlFor({ dataDir: join(dir, "server") }));
    try {
      const key = await store.agents.publicKey("lab-enrolled");
      expect(key).toContain("BEGIN PUBLIC KEY");
      const credential = (JSON.parse(readFileSync(join(state, "agent-credential.json"), "utf8")) as { credential: string }).credential;
      const row = await store.db.selectFrom("agents").select("credential_hash").where("id", "=", "lab-enrolled").executeTakeFirst();
      expect(row?.credential_hash).not.toContain(credential);
      expect(await store.auth.checkAgentCredential("lab-enrolled", credential)).toBe(true);
    } finally {
      await store.close();
    }
  });
});
