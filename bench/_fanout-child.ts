// A bench helper in a process of its own, so that its CPU and memory are not the measured server's,
// called over Node's IPC channel: one call at a time, each answered before the next is handled.
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The calls a child answers: name -> [argument, answer]. */
export type Calls = Record<string, [unknown, unknown]>;

type Request = { call: string; arg: unknown };
type Answer = { ok: true; value: unknown } | { ok: false; error: string };

export interface Child<C extends Calls> {
  call<K extends keyof C & string>(call: K, arg: C[K][0]): Promise<C[K][1]>;
  /** Closes the IPC channel (the child exits on it) and resolves once it has exited. */
  exit(): Promise<void>;
}

/** Forks `file` (TypeScript, through tsx), with global.gc exposed when `gc` is set. */
export function startChild<C extends Calls>(file: URL, options: { gc?: boolean } = {}): Child<C> {
  const child = fork(fileURLToPath(file), [], {
    execArgv: [...(options.gc ? ["--expose-gc"] : []), "--import", import.meta.resolve("tsx")],
    serialization: "advanced",
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  const exited = new Promise<void>((resolve) =>
    child.once("exit", (code, signal) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`bench child ${file.pathname} exited (${code ?? signal}) before answering`));
      resolve();
    }),
  );
  child.on("message", (raw) => {
    const answer = raw as Answer;
    const w = waiting.shift();
    if (!w) return;
    if (answer.ok) w.resolve(answer.value);
    else w.reject(new Error(`bench child ${file.pathname}: ${answer.error}`));
  });
  return {
    call<K extends keyof C & string>(call: K, arg: C[K][0]): Promise<C[K][1]> {
      return new Promise((resolve, reject) => {
        waiting.push({ resolve, reject });
        child.send({ call, arg } satisfies Request);
      });
    },
    async exit() {
      if (child.connected) child.disconnect();
      await exited;
    },
  };
}

/** The child's side: answers each call with its handler, in order; exits when the parent lets go. */
export function serveCalls<C extends Calls>(handlers: { [K in keyof C]: (arg: C[K][0]) => Promise<C[K][1]> }): void {
  let queue: Promise<unknown> = Promise.resolve();
  process.on("message", (raw) => {
    const { call, arg } = raw as Request;
    queue = queue.then(async () => {
      let answer: Answer;
      try {
        const handler = (handlers as Record<string, (a: unknown) => Promise<unknown>>)[call];
        if (!handler) throw new Error(`no call ${call}`);
        answer = { ok: true, value: await handler(arg) };
      } catch (err) {
        answer = { ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      }
      process.send?.(answer);
    });
  });
  process.once("disconnect", () => process.exit(0));
}
