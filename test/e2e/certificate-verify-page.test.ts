import type { IssuedCertificate } from "@telecal/protocols";
import { startServer, type TelecalServer } from "@telecal/server";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { login, seedUsers } from "../fakes/auth";
import { launchChromium } from "../peers/chromium";
import { certificateDataFor } from "../server/certificates/fixtures";

/** The public verify page in Chromium: what a person who scanned the QR code sees and does. */
describe("the certificate verify page in Chromium", () => {
  let server: TelecalServer;
  let browser: Browser;
  let issued: IssuedCertificate;
  /** What the expert sent for the first certificate; the admin's amendment sends it again. */
  let draft: object;
  beforeAll(async () => {
    browser = await launchChromium();
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    await seedUsers(server);
    const token = await login(server, "expert");
    const record = await server.store.records.append({ kind: "manual-entry", stream: "job/e2e", payload: { v: 1 }, actor: "user:technician" });
    const user = async (name: string) => (await server.store.auth.userByUsername(name))!.id;
    const { id: _id, number: _n, people: _p, records: _r, dates, ...rest } = certificateDataFor("balance-jjg1036");
    void [_id, _n, _p, _r];
    draft = { ...rest, dates: { performed: dates.performed, validUntil: dates.validUntil }, people: { calibrator: await user("technician"), checker: await user("trainer") }, records: { hashes: [record.hash] } };
    const res = await server.app.inject({
      method: "POST",
      url: "/api/certificates",
      headers: { authorization: `Bearer ${token}` },
      payload: { data: draft },
    });
    if (res.statusCode !== 201) throw new Error(res.body);
    issued = res.json<IssuedCertificate>();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it("shows the status without sign-in and checks a chosen file: genuine, then one with a byte changed", async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/verify/${issued.certificate.id}`);
    await expect.poll(() => page.locator(".status").textContent()).toBe("有效 Valid");
    expect(await page.locator("body").textContent()).toContain(issued.certificate.number);
    // What the holder compares with the paper: one row per result point, the serial, the conclusion.
    const rows = certificateDataFor("balance-jjg1036").results;
    expect(await page.locator("#results tr td:first-child").allTextContents()).toEqual(rows.map((r) => r.point));
    expect(await page.locator("#results tr td:last-child").allTextContents()).toEqual(rows.map(() => "合格 Pass"));
    expect(await page.locator("#serial").textContent()).toBe(issued.certificate.item.serial);
    expect(await page.locator("#conclusion").textContent()).toBe("检定合格 Conforms (all points pass)");
    expect(await page.locator("#downloads a").count()).toBe(3);
    const pdf = Buffer.from(issued.pdf, "base64");
    await page.locator("#file").setInputFiles({ name: "certificate.pdf", mimeType: "application/pdf", buffer: pdf });
    await expect.poll(() => page.locator("#result").textContent(), { timeout: 10_000 }).toContain("真实 GENUINE");
    const changed = Buffer.from(pdf);
    changed[2000] = changed[2000]! ^ 0x01;
    await page.locator("#file").setInputFiles({ name: "changed.pdf", mimeType: "application/pdf", buffer: changed });
    await expect.poll(() => page.locator("#result").textContent(), { timeout: 10_000 }).toContain("拒绝 REJECTED: TC_ERR_CERT_DIGEST");
    if (process.env["TELECAL_SCREENSHOT"]) await page.screenshot({ path: process.env["TELECAL_SCREENSHOT"], fullPage: true });
    await page.close();
  });

  it("shows an amended certificate as replaced, with a link to its replacement, which shows as valid and names it", async () => {
    const token = await login(server, "admin");
    const res = await server.app.inject({ method: "POST", url: "/api/certificates", headers: { authorization: `Bearer ${token}` }, payload: { data: draft, replaces: issued.certificate.id, reason: "序列号有误 / wrong serial" } });
    expect(res.statusCode, res.body).toBe(201);
    const replacement = res.json<IssuedCertificate>().certificate;
    const page = await browser.newPage();
    await page.goto(`${server.url}/verify/${issued.certificate.id}`);
    await expect.poll(() => page.locator(".status").textContent()).toBe("已被替代 Amended (replaced)");
    await page.locator(`a[href="/verify/${replacement.id}"]`).click();
    await expect.poll(() => page.locator(".status").textContent()).toBe("有效 Valid");
    expect(page.url()).toBe(`${server.url}/verify/${replacement.id}`);
    expect(await page.locator(`a[href="/verify/${issued.certificate.id}"]`).count()).toBe(1);
    await page.close();
  });

  it("says when a certificate was never issued", async () => {
    const page = await browser.newPage();
    const res = await page.goto(`${server.url}/verify/cforged000`);
    expect(res?.status()).toBe(404);
    expect(await page.locator("body").textContent()).toContain("TC_ERR_CERT_NOT_FOUND");
    await page.close();
  });
});
