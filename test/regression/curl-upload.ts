import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { requireTool } from "../peers/require-tool";

const CURL = requireTool("curl");

/**
 * POSTs a file with curl, in its own process: the client's work (building and writing megabytes)
 * must not run on the event loop whose latency the test measures. Answers status and code.
 */
export async function curlUpload(url: string, bytes: Buffer, headers: Record<string, string>): Promise<{ status: number; code: string | undefined }> {
  const dir = mkdtempSync(join(tmpdir(), "telecal-upload-"));
  const file = join(dir, "body");
  writeFileSync(file, bytes);
  const args = ["-s", "-X", "POST", "--data-binary", `@${file}`, "-w", "\n%{http_code}", ...Object.entries(headers).flatMap(([k, v]) => ["-H", `${k}: ${v}`]), url];
  try {
    const out = await new Promise<string>((resolve, reject) => {
      const child = spawn(CURL, args, { stdio: ["ignore", "pipe", "inherit"] });
      let text = "";
      child.stdout.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
      child.on("error", reject);
      child.on("close", () => resolve(text));
    });
    const nl = out.lastIndexOf("\n");
    const body = out.slice(0, nl);
    const code = body ? ((JSON.parse(body) as { code?: string }).code) : undefined;
    return { status: Number(out.slice(nl + 1)), code };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
