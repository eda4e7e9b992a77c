import { randomBytes } from "node:crypto";
import { TelecalError } from "@telecal/protocols";

/** How long one request to Janus may take before the server says Janus does not answer. */
export const JANUS_REQUEST_TIMEOUT_MS = 10_000;
/** Janus ends a session silent for its session_timeout (60 s by default): keep ours alive well inside it. */
export const JANUS_KEEPALIVE_MS = 20_000;

/** Janus core error 458: the session is gone (timed out, or Janus restarted). */
const NO_SUCH_SESSION = 458;

interface JanusReply {
  janus: string;
  data?: { id?: number };
  error?: { code: number; reason: string };
  plugindata?: { plugin: string; data: Record<string, unknown> & { error_code?: number; error?: string } };
}

/** A refusal by Janus or by one of its plugins, with Janus's own code (VideoRoom 433: unauthorized). */
export class JanusError extends TelecalError {
  constructor(
    readonly janusCode: number,
    url: string,
    request: string,
    reason: string,
  ) {
    super("TC_ERR_JANUS", { url, request, reason: `error ${janusCode}: ${reason}` });
  }
}

/**
 * The Janus API over its HTTP transport, for the server's own requests to one plugin: one session
 * with one handle, kept alive, made again when Janus lost it. Plugin requests the server sends
 * (create, allowed, kick, listparticipants) are synchronous: the answer comes with the POST.
 */
export class JanusClient {
  private session: Promise<{ session: number; handle: number }> | null = null;
  private keepalive: NodeJS.Timeout | null = null;

  constructor(
    readonly url: string,
    private readonly plugin: string,
    private readonly apiSecret?: string,
  ) {}

  /** A plugin request; its `plugindata.data`, or a JanusError with the plugin's error code. */
  async message(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const request = String(body["request"]);
    for (let attempt = 0; ; attempt++) {
      const { session, handle } = await this.open();
      try {
        const reply = await this.post(`${this.url}/${session}/${handle}`, { janus: "message", body }, request);
        const data = reply.plugindata?.data;
        if (!data) throw new JanusError(0, this.url, request, `no plugin data in ${reply.janus}`);
        if (data.error_code !== undefined) throw new JanusError(data.error_code, this.url, request, data.error ?? "");
        return data;
      } catch (err) {
        // Janus restarted or timed the session out: open a new one once, then give up.
        if (attempt === 0 && err instanceof JanusError && err.janusCode === NO_SUCH_SESSION) {
          this.forget();
          continue;
        }
        throw err;
      }
    }
  }

  /** Destroys the session (best effort) and stops its keepalive. */
  async close(): Promise<void> {
    const open = this.session;
    this.forget();
    const ids = await open?.catch(() => null);
    if (ids) await this.post(`${this.url}/${ids.session}`, { janus: "destroy" }, "destroy").catch(() => undefined);
  }

  private forget(): void {
    if (this.keepalive) clearInterval(this.keepalive);
    this.keepalive = null;
    this.session = null;
  }

  private open(): Promise<{ session: number; handle: number }> {
    if (this.session) return this.session;
    const opening = (async () => {
      const created = await this.post(this.url, { janus: "create" }, "create");
      const session = created.data?.id;
      if (session === undefined) throw new JanusError(0, this.url, "create", "no session id");
      const attached = await this.post(`${this.url}/${session}`, { janus: "attach", plugin: this.plugin }, "attach");
      const handle = attached.data?.id;
      if (handle === undefined) throw new JanusError(0, this.url, "attach", `no handle for ${this.plugin}`);
      return { session, handle };
    })();
    this.session = opening;
    opening.then(
      ({ session }) => {
        if (this.session !== opening) return;
        this.keepalive = setInterval(() => {
          void this.post(`${this.url}/${session}`, { janus: "keepalive" }, "keepalive").catch(() => this.session === opening && this.forget());
        }, JANUS_KEEPALIVE_MS);
        this.keepalive.unref();
      },
      () => this.session === opening && this.forget(),
    );
    return opening;
  }

  private async post(url: string, body: Record<string, unknown>, request: string): Promise<JanusReply> {
    const payload = { ...body, transaction: randomBytes(8).toString("hex"), ...(this.apiSecret ? { apisecret: this.apiSecret } : {}) };
    let reply: JanusReply;
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(JANUS_REQUEST_TIMEOUT_MS),
      });
      reply = (await res.json()) as JanusReply;
    } catch (err) {
      const reason = err instanceof Error && err.name === "TimeoutError" ? `no answer within ${JANUS_REQUEST_TIMEOUT_MS} ms` : String(err);
      throw new TelecalError("TC_ERR_JANUS", { url: this.url, request, reason }, { cause: err });
    }
    if (reply.janus === "error") throw new JanusError(reply.error?.code ?? 0, this.url, request, reply.error?.reason ?? "");
    return reply;
  }
}
