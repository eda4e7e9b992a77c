import { type CertificateSummary, type IssuedCertificate, type IssuedList, WellKnownKeys } from "@telecal/protocols";
import { certificateStream, ephemeralSigningKey, issueFiles, recordsDb, startServer, type TelecalServer } from "@telecal/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../../fakes/auth";
import { certificateDataFor, PEOPLE } from "./fixtures";

/**
 * Certificates over the REST routes on a real server: issue by the approver, public status and
 * verification, the verify page, amendment and revocation, each in the record log.
 * `database` gives a database URL (PostgreSQL) or a SQLite data dir.
 */
export function certificatesSuite(name: string, database: () => Promise<{ databaseUrl?: string; dataDir?: string }>, done: () => Promise<void>) {
  describe(`certificates on ${name}`, () => {
    let server: TelecalServer;
    let tokens: Record<string, string>;
    let ids: Record<string, string>;
    let hashes: string[];
    let first: IssuedCertificate;

    const call = (who: string | null, method: "GET" | "POST", url: string, payload?: object) =>
      server.app.inject({ method, url, headers: who ? { authorization: `Bearer ${tokens[who]}` } : {}, ...(payload ? { payload } : {}) });
    const upload = (bytes: Buffer, type = "application/pdf") =>
      server.app.inject({ method: "POST", url: "/api/certificates/verify", headers: { "content-type": type }, payload: bytes });
    const code = (r: { statusCode: number; json: () => unknown }) => `${r.statusCode} ${(r.json() as { code?: string }).code}`;

    /** What a client sends: the certificate data without what the server fills in. */
    const draft = (procedureId: string, over: object = {}) => {
      const { id: _id, number: _n, people: _p, records: _r, dates, ...rest } = certificateDataFor(procedureId);
      void [_id, _n, _p, _r];
      const { issued: _i, ...days } = dates;
      void _i;
      return { ...rest, dates: days, people: { calibrator: ids["technician"], checker: ids["trainer"] }, records: { hashes }, ...over };
    };

    beforeAll(async () => {
      server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, ...(await database()), publicUrl: "https://cert.example.org", auth: { loginLimit: { max: 1000, windowMs: 60_000 } } });
      await seedUsers(server);
      tokens = {};
      ids = {};
      for (const who of ["admin", "expert", "technician", "trainer", "admin-b"]) {
        tokens[who] = await login(server, who);
        ids[who] = (await server.store.auth.userByUsername(who))!.id;
      }
      const a = await server.store.records.append({ kind: "manual-entry", stream: "job/test", payload: { value: 1.0000087 }, actor: "user:technician" });
      const b = await server.store.records.append({ kind: "manual-entry", stream: "job/test", payload: { value: 10.00002 }, actor: "user:technician" });
      hashes = [a.hash, b.hash];
    }, 60_000);
    afterAll(async () => {
      await server?.close();
      await done();
    });

    it("an expert issues a certificate as 批准人; anyone sees its status and verifies its files", async () => {
      const res = await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587") });
      expect(res.statusCode, res.body).toBe(201);
      first = res.json<IssuedCertificate>();
      expect(first.certificate).toMatchObject({ status: "valid", kind: "calibration-certificate", approver: "expert", replaces: null, replacedBy: null });
      expect(first.certificate.number).toMatch(/^TC-\d{4}-\d{6}$/);
      const status = await call(null, "GET", `/api/certificates/${first.certificate.id}`);
      expect(status.json<CertificateSummary>().status).toBe("valid");
      for (const [file, type] of [[first.pdf, "application/pdf"], [first.pdfEn, "application/pdf"], [first.dcc, "application/xml"]] as const) {
        const v = await upload(Buffer.from(file, "base64"), type);
        expect(v.statusCode, v.body).toBe(200);
        expect(v.json()).toMatchObject({ ok: true, certificate: { id: first.certificate.id, status: "valid" } });
      }
      const dcc = Buffer.from(first.dcc, "base64").toString("utf8");
      expect(dcc).toContain(`<dcc:uniqueIdentifier>${first.certificate.id}</dcc:uniqueIdentifier>`);
      for (const h of hashes) expect(dcc).toContain(h);
    });

    it("the public verify page shows the status and key data without sign-in", async () => {
      const page = await call(null, "GET", `/verify/${first.certificate.id}`);
      expect(page.statusCode).toBe(200);
      expect(page.headers["content-type"]).toMatch(/text\/html/);
      expect(page.body).toContain('data-status="valid"');
      expect(page.body).toContain(first.certificate.number);
      // The check runs from a file of its own, so the page's CSP allows no inline script.
      expect(page.body).toContain('<script src="/verify/check.js"');
      expect(page.body).not.toMatch(/<script>(?!<\/script>)/);
      // What the holder compares with the paper: item, serial, every row, conclusion, validity, signer.
      for (const text of ["出厂编号 Serial", "dcv-100mv", "dcv-neg10v", "res-1k", "0.0000045", "0.00026", "校准：给出测量结果", "有效期至 Valid until", "批准人 Approved by", "expert, 签名密钥"]) expect(page.body, text).toContain(text);
      expect(page.body).toContain(`<span id="serial">${certificateDataFor("dmm-dcv-jjf1587").item.serial}</span>`);
      // The genuine files, byte for byte as issued.
      for (const [file, issued] of [["pdf", first.pdf], ["pdf-en", first.pdfEn], ["dcc", first.dcc]] as const) {
        expect(page.body).toContain(`/api/certificates/${first.certificate.id}/files/${file}`);
        const got = await call(null, "GET", `/api/certificates/${first.certificate.id}/files/${file}`);
        expect(got.statusCode).toBe(200);
        expect(got.headers["content-disposition"]).toContain(first.certificate.number);
        expect(got.rawPayload.equals(Buffer.from(issued, "base64")), file).toBe(true);
      }
      expect(code(await call(null, "GET", "/api/certificates/cnope0000/files/pdf"))).toBe("404 TC_ERR_CERT_NOT_FOUND");
      const script = await call(null, "GET", "/verify/check.js");
      expect(script.statusCode).toBe(200);
      expect(script.headers["content-type"]).toMatch(/javascript/);
      expect(script.body).toContain("/api/certificates/verify");
    });

    it("rejects a changed file, an unknown certificate and a file signed by a key this server never registered", async () => {
      const pdf = Buffer.from(first.pdf, "base64");
      const at = Math.floor(pdf.length / 2);
      pdf[at] = pdf[at]! ^ 0x04;
      expect(code(await upload(pdf))).toBe("422 TC_ERR_CERT_DIGEST");
      expect(code(await upload(Buffer.concat([Buffer.from(first.pdf, "base64"), Buffer.from("\nxref\n%%EOF\n")])))).toBe("422 TC_ERR_CERT_APPENDED");
      expect(code(await upload(Buffer.from('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'), "application/xml"))).toBe("400 TC_ERR_CERT_DOCTYPE");
      expect(code(await upload(Buffer.from("not a certificate"), "application/octet-stream"))).toBe("400 TC_ERR_CERT_FORMAT");
      const stranger = await issueFiles(certificateDataFor("balance-jjg1036", "cunknown0001"), { person: PEOPLE.approver, key: ephemeralSigningKey() }, "https://forged.example.org");
      expect(code(await upload(stranger.pdf.zh))).toBe("404 TC_ERR_CERT_NOT_FOUND");
      // A forger who knows a real id signs with a key of their own.
      const forged = await issueFiles({ ...certificateDataFor("balance-jjg1036", first.certificate.id), people: { ...PEOPLE, approver: { id: ids["expert"]!, name: "expert" } } }, { person: { id: ids["expert"]!, name: "expert" }, key: ephemeralSigningKey() }, "https://forged.example.org");
      expect(code(await upload(forged.dcc, "application/xml"))).toBe("422 TC_ERR_CERT_UNTRUSTED_KEY");
      expect(code(await call(null, "GET", "/api/certificates/cnope0000"))).toBe("404 TC_ERR_CERT_NOT_FOUND");
      const page = await call(null, "GET", "/verify/cnope0000");
      expect(page.statusCode).toBe(404);
      expect(page.body).toContain("TC_ERR_CERT_NOT_FOUND");
    });

    it("only experts and admins issue; the three people must differ; the raw records must exist", async () => {
      expect(code(await call("technician", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587") }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(code(await call(null, "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587") }))).toBe("401 TC_ERR_AUTH_REQUIRED");
      expect(code(await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587", { people: { calibrator: ids["technician"], checker: ids["expert"] } }) }))).toBe("400 TC_ERR_CERT_PEOPLE");
      expect(code(await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587", { people: { calibrator: ids["admin-b"], checker: ids["trainer"] } }) }))).toBe("400 TC_ERR_CERT_PEOPLE");
      expect(code(await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587", { records: { hashes: ["f".repeat(64)] } }) }))).toBe("404 TC_ERR_RECORD_NOT_FOUND");
      expect(code(await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587", { results: [] }) }))).toBe("400 TC_ERR_VALIDATION");
      // A certificate cannot claim to replace another without amending it.
      const claimed = await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587", { replaces: { id: first.certificate.id, number: first.certificate.number } }) });
      expect(claimed.json<IssuedCertificate>().certificate.replaces).toBeNull();
      expect((await call(null, "GET", `/api/certificates/${first.certificate.id}`)).json<CertificateSummary>().status).toBe("valid");
    });

    it("an amendment names the certificate it replaces, which then shows as amended everywhere; revocation", async () => {
      const res = await call("admin", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587"), replaces: first.certificate.id, reason: "typo in the serial number" });
      expect(res.statusCode, res.body).toBe(201);
      const second = res.json<IssuedCertificate>();
      expect(second.certificate).toMatchObject({ replaces: first.certificate.id, status: "valid" });
      expect(Buffer.from(second.dcc, "base64").toString("utf8")).toContain(first.certificate.number);
      const old = (await call(null, "GET", `/api/certificates/${first.certificate.id}`)).json<CertificateSummary>();
      expect(old).toMatchObject({ status: "amended", replacedBy: second.certificate.id });
      const page = await call(null, "GET", `/verify/${first.certificate.id}`);
      expect(page.body).toContain('data-status="amended"');
      expect(page.body).toContain(`/verify/${second.certificate.id}`);
      // The old file is still genuine, and says it was replaced.
      expect((await upload(Buffer.from(first.pdf, "base64"))).json()).toMatchObject({ ok: true, certificate: { status: "amended", replacedBy: second.certificate.id } });
      expect(code(await call("expert", "POST", "/api/certificates", { data: draft("dmm-dcv-jjf1587"), replaces: first.certificate.id }))).toBe("409 TC_ERR_CERT_STATE");
      expect(code(await call("admin-b", "POST", `/api/certificates/${second.certificate.id}/revoke`, { reason: "not ours" }))).toBe("404 TC_ERR_CERT_NOT_FOUND");
      const revoked = await call("expert", "POST", `/api/certificates/${second.certificate.id}/revoke`, { reason: "instrument found damaged" });
      expect(revoked.json()).toMatchObject({ status: "revoked", revoked: { reason: "instrument found damaged" } });
      expect((await call(null, "GET", `/verify/${second.certificate.id}`)).body).toContain('data-status="revoked"');
      expect(code(await call("expert", "POST", `/api/certificates/${second.certificate.id}/revoke`, { reason: "again" }))).toBe("409 TC_ERR_CERT_STATE");
      const events = (await server.store.records.page(0, 1000)).filter((r) => r.stream === certificateStream(first.certificate.id) || r.stream === certificateStream(second.certificate.id));
      expect(events.map((r) => (JSON.parse(r.payload) as { event: string }).event)).toEqual(["issued", "amended", "issued", "revoked"]);
      expect(events.every((r) => r.kind === "certificate")).toBe(true);
    });

    it("two certificates issued at once get two numbers", async () => {
      const [a, b] = await Promise.all([0, 1].map(() => call("expert", "POST", "/api/certificates", { data: draft("thermometer-bath") })));
      expect([a!.statusCode, b!.statusCode]).toEqual([201, 201]);
      expect(a!.json<IssuedCertificate>().certificate.number).not.toBe(b!.json<IssuedCertificate>().certificate.number);
    });

    it("lists the organisation's certificates, newest first, to its signers, technicians and trainers only", async () => {
      const listed = await call("technician", "GET", "/api/certificates");
      expect(listed.statusCode, listed.body).toBe(200);
      const { certificates } = listed.json<IssuedList>();
      expect(certificates.length).toBeGreaterThanOrEqual(4);
      expect(certificates.map((c) => c.issuedAt)).toEqual([...certificates.map((c) => c.issuedAt)].sort((x, y) => y - x));
      const earliest = certificates.find((c) => c.certificate.id === first.certificate.id)!;
      expect(earliest).toMatchObject({ job: null, certificate: { status: "amended", replacedBy: expect.any(String) } });
      expect((await call("technician", "GET", "/api/certificates?job=no-such-job")).json<IssuedList>().certificates).toEqual([]);
      // Another organisation's admin sees none of them; a trainee may not list.
      expect((await call("admin-b", "GET", "/api/certificates")).json<IssuedList>().certificates).toEqual([]);
      expect(code(await call(null, "GET", "/api/certificates"))).toBe("401 TC_ERR_AUTH_REQUIRED");
    });

    it("publishes the approvers' keys for offline verification", async () => {
      const keys = (await call(null, "GET", "/api/certificates/keys")).json<{ keys: { userId: string }[] }>();
      expect(keys.keys.map((k) => k.userId).sort()).toEqual([ids["admin"], ids["expert"]].sort());
      const known = WellKnownKeys.parse((await call(null, "GET", "/.well-known/telecal-keys.json")).json());
      expect(known.signers.map((k) => k.userId).sort()).toEqual([ids["admin"], ids["expert"]].sort());
      expect(known.recordLog.map((k) => k.keyId)).toContain((await recordsDb(server.store.db).selectFrom("record_keys").select("key_id").executeTakeFirstOrThrow()).key_id);
    });

    it("rotation and revocation: a revoked key's later signatures are refused, earlier ones say when it was revoked", async () => {
      const keyOf = async (userId: string) => WellKnownKeys.parse((await call(null, "GET", "/.well-known/telecal-keys.json")).json()).signers.filter((k) => k.userId === userId);
      const before = await call("expert", "POST", "/api/certificates", { data: draft("thermometer-bath") });
      const early = before.json<IssuedCertificate>();
      const [current] = (await keyOf(ids["expert"]!)).filter((k) => k.retiredAt === null);
      // Rotation: a new key signs from now on; the old one still proves what it signed.
      const rotated = await call("expert", "POST", "/api/certificates/keys/rotate", { userId: ids["expert"] });
      expect(rotated.statusCode, rotated.body).toBe(200);
      expect(rotated.json()).toMatchObject({ retired: current!.key.keyId });
      expect((await upload(Buffer.from(early.dcc, "base64"), "application/xml")).json()).toMatchObject({ verdict: "genuine", key: { keyId: current!.key.keyId, revokedAt: null } });
      const after = (await call("expert", "POST", "/api/certificates", { data: draft("thermometer-bath") })).json<IssuedCertificate>();
      const newKey = rotated.json<{ current: { key: { keyId: string } } }>().current.key.keyId;
      expect((await upload(Buffer.from(after.pdf, "base64"))).json()).toMatchObject({ verdict: "genuine", key: { keyId: newKey } });
      // Only the approver or an admin of the organisation acts on a key.
      expect(code(await call("technician", "POST", `/api/certificates/keys/${newKey}/revoke`, { reason: "x" }))).toBe("403 TC_ERR_AUTH_FORBIDDEN");
      expect(code(await call("admin-b", "POST", `/api/certificates/keys/${newKey}/revoke`, { reason: "x" }))).toBe("404 TC_ERR_SIGNER_KEY_NOT_FOUND");
      expect(code(await call("admin-b", "POST", "/api/certificates/keys/rotate", { userId: ids["expert"] }))).toBe("404 TC_ERR_SIGNER_KEY_NOT_FOUND");
      // A key whose private half was stolen: registered as the expert's, revoked, then used by the thief.
      const stolen = ephemeralSigningKey();
      await server.store.db.insertInto("certificate_signer_keys").values({ key_id: stolen.publicKey.keyId, user_id: ids["expert"]!, spki: stolen.publicKey.spki, created_at: Date.now(), retired_at: Date.now(), revoked_at: null, revoked_reason: null }).execute();
      const revoked = await call("admin", "POST", `/api/certificates/keys/${stolen.publicKey.keyId}/revoke`, { reason: "laptop stolen" });
      expect(revoked.statusCode, revoked.body).toBe(200);
      expect(revoked.json()).toMatchObject({ revokedReason: "laptop stolen" });
      const thief = { ...certificateDataFor("thermometer-bath", after.certificate.id), number: after.certificate.number, people: { ...PEOPLE, approver: { id: ids["expert"]!, name: "expert" } } };
      const forged = await issueFiles(thief, { person: { id: ids["expert"]!, name: "expert" }, key: stolen }, "https://cert.example.org", Date.now() + 1);
      expect(code(await upload(forged.pdf.zh))).toBe("422 TC_ERR_CERT_KEY_REVOKED");
      // Revoked after it signed: the file stays genuine and says when its key was revoked.
      await call("admin", "POST", `/api/certificates/keys/${newKey}/revoke`, { reason: "leaving" });
      const late = await upload(Buffer.from(after.pdf, "base64"));
      expect(late.json()).toMatchObject({ verdict: "genuine", key: { keyId: newKey } });
      expect(late.json<{ key: { revokedAt: number | null } }>().key.revokedAt).toBeGreaterThan(0);
      // The next certificate is signed with a new key, never the revoked one.
      const next = (await call("expert", "POST", "/api/certificates", { data: draft("thermometer-bath") })).json<IssuedCertificate>();
      const nextKey = (await upload(Buffer.from(next.dcc, "base64"), "application/xml")).json<{ key: { keyId: string } }>().key.keyId;
      expect([current!.key.keyId, newKey, stolen.publicKey.keyId]).not.toContain(nextKey);
      const events = (await server.store.records.page(0, 10_000)).filter((r) => r.stream === `signer-key/${ids["expert"]}`).map((r) => (JSON.parse(r.payload) as { event: string }).event);
      expect(events).toEqual(["key-rotated", "key-revoked", "key-revoked"]);
    });
  });
}
