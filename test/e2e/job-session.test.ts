import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_WEB_ROOT, loadProcedures } from "@telecal/server";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SCREENSHOTS, signIn } from "../fakes/browser";
import { type DemoStack, startDemoStack } from "../fakes/demo-stack";
import { launchChromium } from "../peers/chromium";
import type { PageElement } from "../fakes/page-element";

const OUTPUT = SCREENSHOTS;
const POINTS = loadProcedures().get("dmm-dcv-jjf1587")!.points.length;
const stepOf = (page: Page) => page.getByTestId("step").getAttribute("data-step");

/**
 * Technician and expert on one job in two browser contexts: the technician starts the job from the
 * dashboard, both follow the guided procedure as the bench runs it, the expert holds and resumes,
 * and approves at the end; the results per point appear on both pages.
 */
describe("a job's session page in Chromium, technician and expert", () => {
  let stack: DemoStack;
  let browser: Browser;
  beforeAll(async () => {
    if (!existsSync(join(DEFAULT_WEB_ROOT, "index.html"))) {
      throw new Error(`web app not built at ${DEFAULT_WEB_ROOT}: run \`npm run build\` (npm test does it first)`);
    }
    mkdirSync(OUTPUT, { recursive: true });
    browser = await launchChromium();
    stack = await startDemoStack({ webRoot: DEFAULT_WEB_ROOT });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it("runs the DMM calibration from the dashboard to the expert's approval", async () => {
    const technician = await signIn(browser, stack.server.url, "technician");
    const expert = await signIn(browser, stack.server.url, "expert");

    // The technician starts the job; the form knows the bench's instruments for each equipment.
    await technician.getByTestId("new-job-procedure").selectOption("dmm-dcv-jjf1587");
    await technician.getByTestId("new-job-expert").fill("expert");
    await technician.getByTestId("new-job-submit").click();
    await technician.getByTestId("job-page").waitFor({ timeout: 15_000 });
    const jobId = (await technician.getByTestId("job-page").getAttribute("data-job"))!;
    expect(await stepOf(technician)).toBe("before/connect");

    // The expert finds it on the dashboard and joins.
    await expert.getByTestId(`job-${jobId}`).locator("a").click({ timeout: 15_000 });
    await expert.getByTestId("job-page").waitFor({ timeout: 15_000 });
    expect(await stepOf(expert)).toBe("before/connect");
    expect(await expert.getByTestId("step-complete").count()).toBe(0);

    await technician.getByTestId("step-complete").click();
    await expect.poll(() => stepOf(expert), { timeout: 10_000 }).toBe("before/ambient");
    await technician.getByTestId("step-value-0").fill("22.4");
    await technician.getByTestId("step-value-1").fill("51");
    await technician.getByTestId("step-complete").click();

    // The bench runs the points; both see its live readings and the steps move on their own.
    await expect.poll(() => expert.getByTestId("step").getAttribute("data-kind"), { timeout: 15_000 }).toMatch(/^(set|read)$/);
    await expert.getByTestId("live-value-demo-lab:dmm1.dcv").waitFor({ timeout: 15_000 });
    await technician.getByTestId("live-value-demo-lab:dmm1.dcv").waitFor({ timeout: 15_000 });

    // The expert holds: the technician's page says so; then resumes.
    await expert.getByTestId("job-hold").click();
    await technician.getByTestId("held").waitFor({ timeout: 10_000 });
    expect(await technician.getByTestId("held").getAttribute("data-by")).toBe("expert");
    expect(await technician.getByTestId("job-status").getAttribute("class")).toContain("badge-held");
    await expert.getByTestId("job-resume").click();
    await expect.poll(() => technician.getByTestId("held").count(), { timeout: 10_000 }).toBe(0);

    // At the end, the approval gate waits for the expert alone.
    await expect.poll(() => stepOf(expert), { timeout: 200_000, interval: 500 }).toBe("after/review");
    await expect.poll(() => stepOf(technician), { timeout: 10_000 }).toBe("after/review");
    // The meter switched to its resistance function for the resistance points: both pages learnt the new stream.
    for (const page of [expert, technician]) await page.getByTestId("live-value-demo-lab:dmm1.res2w").waitFor({ timeout: 15_000 });
    expect(await technician.getByTestId("step-approve").count()).toBe(0);
    await technician.screenshot({ path: join(OUTPUT, "job-session-technician.png"), fullPage: true, timeout: 90_000 });
    await expert.screenshot({ path: join(OUTPUT, "job-session-expert.png"), fullPage: true, timeout: 90_000 });
    await expert.getByTestId("step-comment").fill("数据完整，同意 / complete, approved");
    await expert.getByTestId("step-approve").click();
    for (const page of [expert, technician]) {
      await expect.poll(() => page.getByTestId("job-page").getAttribute("data-status"), { timeout: 10_000 }).toBe("finished");
      // Every point has its error, computed in the page from the run's events.
      const errors = await page.locator('[data-testid^="error-"]').evaluateAll((cells: PageElement[]) => cells.map((c) => c.getAttribute("data-value")));
      expect(errors.length).toBe(POINTS);
      for (const e of errors) expect([e, Number.isFinite(Number(e)) && e !== ""]).toEqual([e, true]);
      // And its decision by the procedure's rule, with U from the budget: the simulated meter is within its MPE.
      const decisions = await page.locator('[data-testid^="decision-"]').evaluateAll((cells: PageElement[]) => cells.map((c) => c.getAttribute("data-code")));
      expect(decisions).toEqual(Array.from({ length: POINTS }, () => "pass"));
    }
    // The calibrator was left sourcing ohms: its volts readout says "no value", not an overload alarm.
    const calibratorVolts = technician.getByTestId("live-value-demo-lab:cal1.output");
    await expect.poll(() => calibratorVolts.locator("xpath=..").locator("[data-status]").getAttribute("data-status"), { timeout: 15_000 }).toBe("novalue");
    expect(await calibratorVolts.textContent()).toBe("—");
    const job = (await (await fetch(`${stack.server.url}/api/jobs/${jobId}`, { headers: { authorization: `Bearer ${stack.tokens.trainee}` } })).json()) as { status: string; done: number; steps: number };
    expect(job).toMatchObject({ status: "finished" });
    expect(job.done).toBe(job.steps);

    // The expert who checked cannot also sign: the form says so.
    await expert.getByTestId("certificate-same-person").waitFor({ timeout: 15_000 });
    expect(await expert.getByTestId("certificate-issue").isDisabled()).toBe(true);
    // The technician sees no certificate form; the lab's admin issues the certificate as 批准人, the expert as 核验员.
    expect(await technician.getByTestId("certificate-panel").count()).toBe(0);
    // Their part is done: closed, their pages no longer draw the bench's live readings beside the admin's.
    await technician.context().close();
    await expert.context().close();
    const admin = await signIn(browser, stack.server.url, "admin");
    await admin.goto(`${stack.server.url}/#/jobs/${jobId}`);
    await admin.getByTestId("certificate-panel").waitFor({ timeout: 15_000 });
    // 核验员: the expert, who approved the review; 校准员: the technician; the admin signs as the third.
    expect(await admin.getByTestId("certificate-people").getAttribute("data-checker")).toBe((await stack.server.store.auth.userByUsername("expert"))!.id);
    expect(await admin.getByTestId("certificate-issue").isDisabled()).toBe(false);
    for (const [field, value] of [
      ["customer", "演示委托单位"],
      ["customer-address", "演示县演示街 2 号"],
      ["lab", "演示县计量站"],
      ["lab-en", "Demo county metrology station"],
      ["lab-address", "演示路 1 号"],
      ["lab-city", "演示县"],
      ["lab-email", "lab@telecal.invalid"],
      ["accreditation", "演示授权 DEMO-0001"],
    ] as const) {
      await admin.getByTestId(`certificate-${field}`).fill(value);
    }
    await admin.getByTestId("certificate-panel").screenshot({ path: join(OUTPUT, "job-certificate-form.png") });
    await admin.getByTestId("certificate-issue").click();
    const issued = admin.getByTestId("certificate-issued");
    await issued.waitFor({ timeout: 30_000 });
    expect(await issued.getAttribute("data-number")).toMatch(/^TC-\d{4}-\d{6}$/);
    await admin.getByTestId("certificate-panel").screenshot({ path: join(OUTPUT, "job-certificate-issued.png") });
    // The PDF the page gives is the signed one, and the server recomputes its rows from the job's raw records.
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByTestId("certificate-pdf").click()]);
    const pdf = readFileSync(await download.path());
    const checked = await fetch(`${stack.server.url}/api/certificates/verify`, { method: "POST", headers: { "content-type": "application/pdf" }, body: pdf });
    expect(checked.status).toBe(200);
    expect(await checked.json()).toMatchObject({ ok: true, certificate: { status: "valid" }, results: { job: jobId, points: POINTS } });

    // After a reload the job page finds its certificate again, and the admin amends it with a reason.
    const number = (await issued.getAttribute("data-number"))!;
    await admin.reload();
    const onFile = admin.getByTestId("certificate-on-file");
    await onFile.waitFor({ timeout: 30_000 });
    expect(await onFile.getAttribute("data-number")).toBe(number);
    await admin.getByTestId("certificate-amend").click();
    await admin.getByTestId("certificate-amend-reason").fill("委托单位名称有误 / customer misnamed");
    await admin.getByTestId("certificate-customer").fill("演示委托单位（更正）");
    await admin.getByTestId("certificate-customer-address").fill("演示县演示街 2 号");
    await admin.getByTestId("certificate-issue").click();
    await admin.getByTestId("certificate-issued").waitFor({ timeout: 30_000 });
    const replacement = (await admin.getByTestId("certificate-issued").getAttribute("data-number"))!;
    expect(replacement).not.toBe(number);
    // The certificates page lists both: the first amended, its replacement valid.
    await admin.getByTestId("nav-certificates").click();
    const row = (n: string) => admin.locator(`[data-testid="certificate-row"][data-number="${n}"]`);
    await row(replacement).waitFor({ timeout: 30_000 });
    expect([await row(number).getAttribute("data-status"), await row(replacement).getAttribute("data-status")]).toEqual(["amended", "valid"]);
    await admin.screenshot({ path: join(OUTPUT, "certificates-page.png"), fullPage: true });
  }, 300_000);
});
