import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DATABASE_FILE, type TelecalServer } from "@telecal/server";
import { MEDIA_MESH_MAX_PEOPLE } from "@telecal/protocols";
import type { Command } from "commander";
import { createDemoCourse } from "../demo-course";
import { createDemoJob } from "../demo-job";
import { createDemoUsers, DEMO_PASSWORD, DEMO_ROLES, DEMO_TRAINEES } from "../demo-users";
import { DEMO_AGENT, DEMO_ORGANISATION, startDemoLab } from "../demo-lab";
import { agentOnline, DEMO_AGENT_ONLINE_MS, demoJobId, until } from "../demo-ready";
import { createDemoRegistry } from "./demo-registry";
import { addServerOptions, runServer, type ServerCliOptions } from "./server";


/** A demo user's bearer token, signed in with the demo password like anyone at the sign-in page. */
async function demoToken(server: TelecalServer, username: string): Promise<string> {
  const res = await server.app.inject({ method: "POST", url: "/api/auth/login", payload: { username, password: DEMO_PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`demo sign-in of ${username}: ${res.statusCode} ${res.body}`);
  return res.json<{ token: string }>().token;
}

export function startCommand(program: Command): void {
  // A demo with the published password answers on this machine only, unless --host says otherwise.
  addServerOptions(
    program.command("start").description("server, web app and a demo lab in one process / 一键启动演示平台"),
    "127.0.0.1",
  ).action(async (opts: ServerCliOptions) => {
    const databaseGiven = opts.database !== undefined || Boolean(process.env["DATABASE_URL"]);
    const newDataDir = !existsSync(join(resolve(opts.dataDir), DATABASE_FILE));
    const { server, dataDir, database } = await runServer({ ...opts, demo: true });
    // The demo people, registry and job: in a new data dir, or in a database (--database) with no users yet.
    const freshDataDir = databaseGiven ? (await server.store.auth.userCount()) === 0 : newDataDir;
    if (freshDataDir) await createDemoUsers(server);
    // The demo agent runs in this process, enrolled directly through the store with a device key
    // made for this run; its outbox and job journals live in the data dir, so a restart resumes a job.
    // The simulated bench's own chatter (links up, steps taken) at warn unless TELECAL_LOG asks for more:
    // the console is for the person running the demo, and the banner must stay in view.
    const demoLog = server.app.log.child({ ns: "demo" }, { level: process.env["TELECAL_LOG"] ?? "warn" });
    const lab = await startDemoLab(server, demoLog, { dataDir: join(dataDir, "demo-agent") });
    // The calibrator sources 10 V DC, as at the first point of a DCV calibration.
    lab.simulators.get("fluke-5522a")?.handle("OUT 10 V");
    lab.simulators.get("fluke-5522a")?.handle("OPER");
    // The demo lab's instruments and certificates, bound to the demo agent: a new data dir only.
    const registered = freshDataDir ? await createDemoRegistry(server, DEMO_ORGANISATION.id, DEMO_AGENT.id) : [];
    // The demo job, for technician and expert to meet in its session: a new data dir only.
    const demoJob = freshDataDir ? await createDemoJob(server, await demoToken(server, "technician")) : null;
    // The demo course, for the trainer and trainee1..5 to hold a lesson on that bench: a new data dir only.
    const demoCourse = freshDataDir ? await createDemoCourse(server, await demoToken(server, "trainer")) : null;
    // The banner comes last, after the start's own log lines (the agent's hello, its job taken), so
    // that what a person needs is at the bottom of the console and stays there.
    const online = await agentOnline(server, DEMO_AGENT.id);
    const jobId = demoJob?.id ?? (await demoJobId(server, DEMO_AGENT.id));
    // The agent takes its jobs just after its hello; a finished or cancelled demo job it does not take.
    if (online && jobId) await until(() => lab.agent.jobs.hosts(jobId), 3000);
    const loopback = opts.host === "127.0.0.1" || opts.host === "localhost" || opts.host === "::1";
    process.stdout.write(
      [
        "",
        `  远程校准协作平台 telecal 已启动 / is running: ${server.url}`,
        loopback
          ? "  仅本机可访问；对网络开放请加 --host 0.0.0.0（先改掉演示密码）/ this machine only: --host 0.0.0.0 opens it to the network (change the demo passwords first)"
          : `  已对网络开放 / open to the network on ${opts.host}: 演示密码为 demo，请先修改 / the demo password is demo, change it`,
        `  数据目录 / data dir: ${dataDir}`,
        `  数据库 / database: ${database}`,
        freshDataDir
          ? `  演示用户 / demo users (new data dir): ${[...DEMO_ROLES, ...DEMO_TRAINEES].join(", ")}; 密码 / password: demo`
          : "  未创建演示用户 / no demo users created (existing data dir)",
        registered.length > 0
          ? `  登记的仪器 / registered instruments (new data dir): ${registered.join(", ")}; PACE5000 证书 12 天后到期 / certificate due in 12 days`
          : "  未登记演示仪器 / no demo instruments registered (existing data dir)",
        jobId
          ? `  演示任务 / demo job (technician + expert): ${server.url}/#/jobs/${jobId}`
          : "  没有演示任务 / no demo job (this data dir has none)",
        demoCourse
          ? `  演示课程 / demo course (trainer + trainee1..trainee5): ${server.url}/#/courses/${demoCourse.course.id}`
          : "  未创建演示课程 / no demo course created (existing data dir)",
        server.media.sfu
          ? `  课程视频 / course video: Janus (VideoRoom)`
          : `  课程视频 / course video: 未配置 Janus，退回网状视频，最多 ${MEDIA_MESH_MAX_PEOPLE} 人 / no Janus (--janus): the mesh, ${MEDIA_MESH_MAX_PEOPLE} people at most`,
        ...(online ? [] : [`  演示代理 ${DEMO_AGENT_ONLINE_MS / 1000} 秒内未上线 / the demo agent is not online after ${DEMO_AGENT_ONLINE_MS / 1000} s: see the log above`]),
        `  演示实验室 / demo lab: ${lab.describe()}`,
        "",
      ].join("\n"),
    );
    const stop = async () => {
      await lab.stop();
      await server.close();
      process.exit(0);
    };
    process.once("SIGINT", () => void stop());
    process.once("SIGTERM", () => void stop());
  });
}
