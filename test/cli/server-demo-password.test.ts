import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { databaseUrlFor, Store } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BIN, runTelecal } from "../fakes/cli";

const run = promisify(execFile);

/** Real processes: a data dir as `telecal start` leaves it must not become a public server as it is. */
describe("telecal server on a data dir whose demo users still have the password demo", () => {
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "telecal-demo-pw-"));
    const store = await Store.open(databaseUrlFor({ dataDir: dir }));
    try {
      await store.auth.createOrganisation("demo", "演示 demo", "county-station");
      await store.auth.createUser({ organisationId: "demo", username: "admin", displayName: "admin", role: "admin", password: "demo" });
      await store.auth.createUser({ organisationId: "demo", username: "expert", displayName: "expert", role: "expert", password: "a-real-one-1" });
    } finally {
      await store.close();
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serverArgs = () => ["server", "--host", "127.0.0.1", "--port", "0", "--data-dir", dir];
  const signIn = (url: string, username: string, password: string) =>
    fetch(`${url}/api/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });

  it("refuses to start and names the users; after `telecal user passwd` it serves, and demo no longer signs in", async () => {
    const refused = await run(process.execPath, [BIN, ...serverArgs()]).then(
      () => ({ code: 0, stderr: "" }),
      (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
    );
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("TC_ERR_AUTH_DEMO_PASSWORD: users admin still have the demo password");

    const passwd = await run(process.execPath, [BIN, "user", "passwd", "admin", "--data-dir", dir], { env: { ...process.env, TELECAL_PASSWORD: "new-admin-pw-1" } });
    expect(passwd.stdout).toContain("password of admin set");

    const server = await runTelecal(serverArgs(), /telecal server at http:\/\/\S+:\d+/);
    try {
      const url = /telecal server at (http:\/\/\S+)/.exec(server.stdout())![1]!;
      expect((await signIn(url, "admin", "demo")).status).toBe(401);
      expect((await signIn(url, "admin", "new-admin-pw-1")).status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 240_000);

  it("--demo serves them, as for a demo server on purpose", async () => {
    const store = await Store.open(databaseUrlFor({ dataDir: dir }));
    await store.auth.setPassword("admin", "demo").finally(() => store.close());
    const server = await runTelecal([...serverArgs(), "--demo"], /telecal server at http:\/\/\S+:\d+/);
    try {
      const url = /telecal server at (http:\/\/\S+)/.exec(server.stdout())![1]!;
      expect((await signIn(url, "admin", "demo")).status).toBe(200);
    } finally {
      await server.stop();
    }
  }, 240_000);
});
