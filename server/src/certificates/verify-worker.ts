import { setPriority } from "node:os";
import { parentPort } from "node:worker_threads";
import { TelecalError } from "@telecal/protocols";
import { type CheckAnswer, type CheckRequest, READY } from "./check-messages";
import { checkComplexity } from "./complexity";
import { verifyCertificateFile } from "./verify";

// On Linux a nice value is per thread: the checks yield the CPU to the event loop, never the reverse.
try {
  setPriority(10);
} catch {
  // Not allowed here (some containers): the thread still keeps the parse off the event loop.
}

parentPort?.on("message", (req: CheckRequest) => {
  const bytes = Buffer.from(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength);
  let answer: CheckAnswer;
  try {
    checkComplexity(bytes, req.name, req.limits);
    answer = { id: req.id, ok: true, file: verifyCertificateFile(bytes, req.name) };
  } catch (err) {
    answer = err instanceof TelecalError
      ? { id: req.id, ok: false, code: err.code, params: err.params }
      : { id: req.id, ok: false, code: null, message: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(answer);
});
parentPort?.postMessage(READY);
