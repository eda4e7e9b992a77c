import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { DATABASE_FILE, type TelecalServer } from "@telecal/server";
import { MEDIA_MESH_MAX_PEOPLE } from "@telecal/protocols";
import type { Command } from "commander";
import { createDemoCourse } from "../demo-course";
import { createDemoJob } from "../demo-job";
import { createDemoUsers, DEMO_PASSWORD, DEMO_ROLES, DEMO_TRAINEES } from "../demo-users";
import { DEMO_AGENT, DEMO_ORGANISATION, startDemoLab } from "../demo-lab";
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
    const lab = await startDemoLab(server, server.app.log.child({ ns: "demo" }), { dataDir: join(dataDir, "demo-agent") });
    // The calibrator sources 10 V DC, as at the first point of a DCV calibration.
    lab.simulators.get("fluke-5522a")?.handle("OUT 10 V");
    lab.simulators.get("fluke-5522a")?.handle("OPER");
    // The demo lab's instruments and certificates, bound to the demo agent: a new data dir only.
    const registered = freshDataDir ? await createDemoRegistry(server, DEMO_ORGANISATION.id, DEMO_AGENT.id) : [];
    // The demo job, for technician and expert to meet in its session: a new data dir only.
    const demoJob = freshDataDir ? await createDemoJob(server, await demoToken(server, "technician")) : null;
    // The demo course, for the trainer and trainee1..5 to hold a lesson on that bench: a new data dir only.
    const demoCourse = freshDataDir ? await createDemoCourse(server, await demoToken(server, "trainer")) : null;
    process.stdout.write(
      [
        "",
        `  远程校准协作平台 telecal 已启动 / is running: ${server.url}`,
        `  数据目录 / data dir: ${dataDir}`,
        `  数据库 / database: ${database}`,
        freshDataDir
          ? `  演示用户 / demo users (new data dir): ${[...DEMO_ROLES, ...DEMO_TRAINEES].join(", ")}; 密码 / password: demo`
          : "  未创建演示用户 / no demo users created (existing data dir)",
        registered.length > 0
          ? `  登记的仪器 / registered instruments (new data dir): ${registered.join(", ")}; PACE5000 证书 12 天后到期 / certificate due in 12 days`
          : "  未登记演示仪器 / no demo instruments registered (existing data dir)",
        demoJob
          ? `  演示任务 / demo job (technician + expert): ${server.url}/#/jobs/${demoJob.id}`
          : "  未创建演示任务 / no demo job created (existing data dir)",
        demoCourse
          ? `  演示课程 / demo course (trainer + trainee1..trainee5): ${server.url}/#/courses/${demoCourse.course.id}`
          : "  未创建演示课程 / no demo course created (existing data dir)",
        server.media.sfu
          ? `  课程视频 / course video: Janus (VideoRoom)`
          : `  课程视频 / course video: 未配置 Janus，退回网状视频，最多 ${MEDIA_MESH_MAX_PEOPLE} 人 / no Janus (--janus): the mesh, ${MEDIA_MESH_MAX_PEOPLE} people at most`,
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
