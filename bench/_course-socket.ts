// The socket.io side of the course bench: N trainees of one lesson (each their own account and /ui
// socket, in a child process, _course-trainees.ts) receive for a window the trainer's quizzes and chat
// and the lesson bench's live readings (one agent, its ticks at the agent's real rate), beside the same
// events at the same rates through a bare socket.io relay (_fanout-bare.ts) to N bare clients, measured
// in the same run. Figures: join time, the presence traffic the joins caused, per kind p50 / p99
// latency and loss, and the ratio of telecal's p99 to the relay's. Printed, never asserted.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { type AgentLiveValue, type Course, ENROL_MAX, type HelloAccepted, type Lesson, NAMESPACE, type Reply } from "@telecal/protocols";
import { agentNow } from "@telecal/agent/uplink/clock-sync";
import { LIVE_TICK_MS } from "@telecal/agent/uplink/live-ticks";
import { startServer, type TelecalServer } from "@telecal/server";
import { io, type Socket } from "socket.io-client";
import { enrolAgent, login, seedUsers, TEST_PASSWORD } from "../test/fakes/auth";
import { connectLessonClient } from "../test/fakes/lesson-client";
import type { Kind, KindResult, TraineeCalls } from "./_course-trainees";
import { startBareRelay } from "./_fanout-bare";
import { startChild } from "./_fanout-child";
import { benchHello, instrumentOf, streamOf } from "./_hello";

const WINDOW_MS = Number(process.env["COURSE_SOCKET_WINDOW_MS"] ?? 10_000);
const CHANNELS = 4;
const QUIZ_EVERY_MS = 1000;
// Under the lesson chat limit of one person (10 in 10 s).
const CHAT_EVERY_MS = 1500;
/** An event not at its trainee this long after the window counts as lost. */
const GRACE_MS = 5000;
const AGENT_ID = "bench-course";

const progress = (what: string) => process.stderr.write(`bench course: ${what}\n`);

/** Sends one event of a kind stamped t. */
type Senders = Record<Kind, (t: number) => Promise<void> | void>;

function connected(socket: Socket, what: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once("connect", () => resolve(socket));
    socket.once("connect_error", (err) => reject(new Error(`bench: ${what}: ${err.message}`)));
  });
}

const tick = (t: number): AgentLiveValue[] =>
  Array.from({ length: CHANNELS }, (_, c) => ({ instrumentId: instrumentOf(c), streamId: streamOf(c), t, value: 10 + c * 1e-6, unit: "V", flags: 0 }));

/** The window: live ticks, quizzes and chat on their deadlines; answers each kind's send times. */
async function window(send: Senders): Promise<Record<Kind, number[]>> {
  const sent: Record<Kind, number[]> = { quiz: [], chat: [], live: [] };
  const every: Record<Kind, number> = { live: LIVE_TICK_MS, chat: CHAT_EVERY_MS, quiz: QUIZ_EVERY_MS };
  const start = performance.now();
  const next: Record<Kind, number> = { live: 0, chat: 0, quiz: 0 };
  while (performance.now() - start < WINDOW_MS) {
    const at = performance.now() - start;
    for (const kind of Object.keys(every) as Kind[]) {
      if (at < next[kind]) continue;
      next[kind] += every[kind];
      const t = agentNow();
      sent[kind].push(t);
      void send[kind](t);
    }
    await sleep(Math.max(0, Math.min(...Object.values(next)) - (performance.now() - start)));
  }
  return sent;
}

interface Side {
  joinS: number;
  presenceMessages: number;
  presenceBytes: number;
  kinds: Record<Kind, KindResult>;
}

async function telecalSide(trainees: ReturnType<typeof startChild<TraineeCalls>>, n: number): Promise<Side> {
  const dataDir = mkdtempSync(join(tmpdir(), "telecal-bench-course-"));
  let server: TelecalServer | null = null;
  try {
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null, dataDir });
    const s = server;
    await seedUsers(s);
    const tokens: string[] = [];
    const usernames: string[] = [];
    for (let i = 0; i < n; i++) {
      const username = `bench-trainee${i + 1}`;
      const user = await s.store.auth.createUser({ organisationId: "org-a", username, displayName: `学员 ${i + 1}`, role: "trainee", password: TEST_PASSWORD });
      usernames.push(username);
      // A session made in the store: n sign-ins through the route would measure scrypt, not the lesson.
      tokens.push((await s.store.auth.createSession(user.id, 3_600_000)).token);
    }
    const trainerToken = await login(s, "trainer");
    const rest = async <T>(url: string, payload: object): Promise<T> => {
      const res = await s.app.inject({ method: "POST", url, headers: { authorization: `Bearer ${trainerToken}` }, payload });
      if (res.statusCode >= 300) throw new Error(`bench: POST ${url}: ${res.statusCode} ${res.body}`);
      return res.json<T>();
    };
    const course = await rest<Course>("/api/courses", { title: "基准课程 Bench course" });
    const lesson = await rest<Lesson>(`/api/courses/${course.id}/lessons`, { title: "直流电压 DC voltage", startsAt: Date.now() - 60_000, endsAt: Date.now() + 3_600_000 });
    for (let i = 0; i < usernames.length; i += ENROL_MAX) await rest(`/api/courses/${course.id}/enrolments`, { usernames: usernames.slice(i, i + ENROL_MAX) });

    const { auth } = await enrolAgent(s, AGENT_ID);
    const agent = await connected(io(`${s.url}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, reconnection: false, auth }), "agent socket");
    const hello = (await agent.timeout(10_000).emitWithAck("hello", benchHello(AGENT_ID, CHANNELS))) as Reply<HelloAccepted>;
    if (!hello.ok) throw new Error(`bench: hello refused: ${hello.error.code}`);
    const trainer = await connectLessonClient(s.url, trainerToken);
    const joined = await trainer.ask("lesson:join", { lessonId: lesson.id });
    if (!joined.ok) throw new Error(`bench: the trainer cannot join: ${joined.error.code}`);
    try {
      progress(`${n} trainees join the lesson`);
      const open = await trainees.call("open", { url: `${s.url}${NAMESPACE.ui}`, tokens, lessonId: lesson.id });
      await trainees.call("record", null);
      const failures: string[] = [];
      const check = (what: string) => (reply: Reply<object>) => void (reply.ok || failures.push(`${what}: ${reply.error.code}`));
      const sent = await window({
        live: (t) => void agent.emit("live", tick(t)),
        quiz: async (t) => check("quiz")(await trainer.ask("lesson:quiz-open", { lessonId: lesson.id, question: `读数? Read the DMM @${t}`, key: { kind: "numeric", value: 10, tolerance: 0.01, unit: "V" } })),
        chat: async (t) => check("chat")(await trainer.ask("lesson:chat", { lessonId: lesson.id, text: `注意量程 mind the range @${t}` })),
      });
      if (failures.length > 0) throw new Error(`bench: the trainer's events were refused: ${failures.slice(0, 3).join("; ")}`);
      const kinds = await trainees.call("finish", { sent, graceMs: GRACE_MS });
      return { joinS: open.ms / 1000, presenceMessages: open.presenceMessages, presenceBytes: open.presenceBytes, kinds };
    } finally {
      await trainees.call("close", null);
      trainer.close();
      agent.close();
    }
  } finally {
    await server?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function bareSide(trainees: ReturnType<typeof startChild<TraineeCalls>>, n: number): Promise<Side> {
  const relay = await startBareRelay();
  const sender = await connected(io(`${relay.url}/in`, { transports: ["websocket"], forceNew: true, reconnection: false }), "bare sender");
  try {
    const open = await trainees.call("open", { url: `${relay.url}/out`, tokens: Array.from({ length: n }, () => null), lessonId: null });
    await trainees.call("record", null);
    const sent = await window({
      live: (t) => void sender.emit("live", tick(t)),
      quiz: (t) => void sender.emit("lesson:quiz", { question: `读数? Read the DMM @${t}` }),
      chat: (t) => void sender.emit("lesson:chat", { text: `注意量程 mind the range @${t}` }),
    });
    const kinds = await trainees.call("finish", { sent, graceMs: GRACE_MS });
    return { joinS: open.ms / 1000, presenceMessages: 0, presenceBytes: 0, kinds };
  } finally {
    await trainees.call("close", null);
    sender.close();
    await relay.close();
  }
}

/** Runs both sides with `n` trainees and prints the figures. */
export async function courseSocketFigures(n: number): Promise<void> {
  const trainees = startChild<TraineeCalls>(new URL("./_course-trainees.ts", import.meta.url));
  try {
    const telecal = await telecalSide(trainees, n);
    progress("the same through a bare socket.io relay");
    const bare = await bareSide(trainees, n);
    const loss = (k: KindResult) => `${(100 * (1 - k.received / k.expected)).toFixed(2)} %`;
    const f = (x: number) => `${x.toFixed(1).padStart(7)} ms`;
    process.stdout.write(`course, socket.io: ${n} trainees of one lesson, ${WINDOW_MS} ms window (quiz every ${QUIZ_EVERY_MS} ms, chat every ${CHAT_EVERY_MS} ms, ${CHANNELS} live streams every ${LIVE_TICK_MS} ms)\n`);
    process.stdout.write(`  join: ${telecal.joinS.toFixed(1)} s for ${n} (bare connect ${bare.joinS.toFixed(1)} s); presence pushed meanwhile: ${telecal.presenceMessages} messages, ${(telecal.presenceBytes / 1e6).toFixed(1)} MB\n`);
    process.stdout.write("  kind   telecal p50      p99    loss     bare p50      p99    loss   p99 ratio\n");
    for (const k of ["quiz", "chat", "live"] as const) {
      const t = telecal.kinds[k];
      const b = bare.kinds[k];
      process.stdout.write(`  ${k.padEnd(5)} ${f(t.latency.p50)} ${f(t.latency.p99)} ${loss(t).padStart(7)}  ${f(b.latency.p50)} ${f(b.latency.p99)} ${loss(b).padStart(7)}   ${(t.latency.p99 / b.latency.p99).toFixed(2)}x\n`);
    }
  } finally {
    await trainees.exit();
  }
}
