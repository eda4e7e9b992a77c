import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { TelecalError } from "@telecal/protocols";
import { checkSize, type ComplexityLimits, DEFAULT_COMPLEXITY_LIMITS } from "./complexity";
import type { VerifiedFile } from "./verify";
import { type CheckAnswer, type CheckRequest, READY } from "./check-messages";

export interface CheckerOptions {
  /** Worker threads at most (each checks one file at a time). */
  workers: number;
  /** A check taking longer is ended (its thread terminated) and refused TC_ERR_CERT_TOO_COMPLEX. */
  timeoutMs: number;
  /** Checks waiting for a thread at most; beyond, TC_ERR_CERT_CHECK_BUSY. */
  maxQueued: number;
  /** A thread's heap at most: a file that needs more is refused, not the server swollen. */
  maxHeapMb: number;
  limits: ComplexityLimits;
}

export const DEFAULT_CHECKER_OPTIONS: CheckerOptions = { workers: 1, timeoutMs: 15_000, maxQueued: 16, maxHeapMb: 512, limits: DEFAULT_COMPLEXITY_LIMITS };

// The worker runs the TypeScript source, as the server does (docs/adr/0001): tsx's loader is
// registered first, then the entry imported (a worker's own entry file must be JavaScript).
const TSX_API = tsxEsmApi();
const WORKER = new URL("./verify-worker.ts", import.meta.url).href;
const BOOT = `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER)}); })`;

/** tsx's ESM register API as a file URL (its `import` export; require.resolve would give the CommonJS one). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve("tsx/package.json");
  const pkg = JSON.parse(readFileSync(manifest, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  return pathToFileURL(join(dirname(manifest), pkg.exports["./esm/api"]!.import.default)).href;
}

interface Job {
  id: number;
  bytes: Buffer;
  name: string;
  resolve(file: VerifiedFile): void;
  reject(err: unknown): void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job?: Job;
  timer?: NodeJS.Timeout;
}

/**
 * Checks uploaded certificate files off the event loop: the parse of a hostile XML runs in a worker
 * thread with a time limit and a heap cap, one check at a time per client address, so that
 * /api/health and the agents' heartbeats are answered meanwhile.
 */
export class CertificateChecker {
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private readonly running = new Set<string>();
  private nextId = 1;
  private closed = false;

  constructor(readonly options: CheckerOptions = DEFAULT_CHECKER_OPTIONS) {}

  /** The file checked by itself (verify.ts), or its refusal; `key` is the client address. */
  async check(bytes: Buffer, name: string, key: string): Promise<VerifiedFile> {
    checkSize(bytes, name, this.options.limits);
    if (this.running.has(key)) throw new TelecalError("TC_ERR_CERT_CHECK_BUSY", { key });
    if (this.queue.length >= this.options.maxQueued) throw new TelecalError("TC_ERR_CERT_CHECK_BUSY", { key: "this server" });
    this.running.add(key);
    try {
      return await new Promise<VerifiedFile>((resolve, reject) => {
        this.queue.push({ id: this.nextId++, bytes, name, resolve, reject });
        this.dispatch();
      });
    } finally {
      this.running.delete(key);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new TelecalError("TC_ERR_CERT_CHECK_BUSY", { key: "this server (stopping)" }));
    await Promise.all(this.slots.splice(0).map((s) => s.worker.terminate()));
  }

  private dispatch(): void {
    while (!this.closed && this.queue.length > 0) {
      if (this.slots.length < this.options.workers && !this.slots.some((s) => !s.ready)) this.spawn();
      const slot = this.slots.find((s) => s.ready && !s.job);
      if (!slot) return;
      this.start(slot, this.queue.shift()!);
    }
  }

  private start(slot: Slot, job: Job): void {
    slot.job = job;
    slot.worker.ref();
    slot.timer = setTimeout(() => this.fail(slot, new TelecalError("TC_ERR_CERT_TOO_COMPLEX", { file: job.name, reason: `its check took longer than ${this.options.timeoutMs} ms` })), this.options.timeoutMs);
    const { bytes } = job;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const request: CheckRequest = { id: job.id, bytes, name: job.name, limits: this.options.limits };
    // A buffer of its own is handed over, not copied: an upload can be 20 MB.
    slot.worker.postMessage(request, whole ? [bytes.buffer as ArrayBuffer] : []);
  }

  private spawn(): void {
    const worker = new Worker(BOOT, { eval: true, resourceLimits: { maxOldGenerationSizeMb: this.options.maxHeapMb } });
    const slot: Slot = { worker, ready: false };
    worker.unref();
    worker.on("message", (answer: CheckAnswer | typeof READY) => {
      if (answer !== READY) return this.answered(slot, answer);
      slot.ready = true;
      this.dispatch();
    });
    worker.on("error", (err) => {
      const memory = (err as { code?: string }).code === "ERR_WORKER_OUT_OF_MEMORY";
      const file = slot.job?.name ?? "upload";
      this.fail(slot, memory ? new TelecalError("TC_ERR_CERT_TOO_COMPLEX", { file, reason: `its check needed more than ${this.options.maxHeapMb} MB` }) : err);
    });
    worker.on("exit", () => this.fail(slot, new TelecalError("TC_ERR_INTERNAL", { reason: "the certificate checker stopped" })));
    this.slots.push(slot);
  }

  private answered(slot: Slot, answer: CheckAnswer): void {
    const job = slot.job;
    if (!job || job.id !== answer.id) return;
    this.finish(slot);
    if (answer.ok) job.resolve(answer.file);
    else if (answer.code !== null) job.reject(new TelecalError(answer.code, answer.params));
    else job.reject(new TelecalError("TC_ERR_CERT_FORMAT", { file: job.name, reason: answer.message }));
    this.dispatch();
  }

  /** Ends the slot's thread (a timeout, a crash) and refuses its job; the next job gets a new thread. */
  private fail(slot: Slot, err: unknown): void {
    const index = this.slots.indexOf(slot);
    if (index < 0) return;
    this.slots.splice(index, 1);
    const job = slot.job;
    this.finish(slot);
    void slot.worker.terminate();
    job?.reject(err);
    this.dispatch();
  }

  private finish(slot: Slot): void {
    clearTimeout(slot.timer);
    slot.job = undefined;
    slot.worker.unref();
  }
}
