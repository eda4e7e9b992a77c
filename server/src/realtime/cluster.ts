import { createAdapter } from "@socket.io/redis-streams-adapter";
import { TelecalError } from "@telecal/protocols";
import type { FastifyBaseLogger } from "fastify";
import { createClient } from "redis";

export interface ClusterOptions {
  /** redis://host:port[/db]: the server processes of one platform share it (docs/operations.md). */
  redisUrl: string;
  /** Key and channel prefix: platforms (or tests) sharing one Redis keep apart by it. Default "telecal". */
  prefix?: string;
}

/** How long start-up waits for Redis before it gives up with TC_ERR_REDIS_UNREACHABLE. */
const CONNECT_TIMEOUT_MS = 5000;

export interface ClusterLink {
  /** socket.io's adapter factory: rooms, broadcasts and server-side events across the processes. */
  adapter: ReturnType<typeof createAdapter>;
  close(): Promise<void>;
}

/**
 * Connects to Redis for socket.io's Redis Streams adapter (docs/adr/0006-cluster-on-redis-streams.md): a broadcast from any process
 * reaches the sockets of all of them, and a process that was away reads on from its offset in the
 * stream rather than losing what was published meanwhile.
 */
export async function connectCluster(options: ClusterOptions, log: FastifyBaseLogger): Promise<ClusterLink> {
  const prefix = options.prefix ?? "telecal";
  const client = createClient({
    url: options.redisUrl,
    socket: { connectTimeout: CONNECT_TIMEOUT_MS, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 2000) },
  });
  let warned = false;
  client.on("error", (err: Error) => {
    // A Redis that went away is retried; one warning per outage, not one per attempt.
    if (!warned) log.warn({ err: err.message }, "redis connection lost; retrying");
    warned = true;
  });
  client.on("ready", () => (warned = false));
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TelecalError("TC_ERR_REDIS_UNREACHABLE", { url: redacted(options.redisUrl), reason: `no answer within ${CONNECT_TIMEOUT_MS} ms` })), CONNECT_TIMEOUT_MS);
  });
  try {
    await Promise.race([client.connect(), gaveUp]);
  } catch (err) {
    client.destroy();
    throw isUnreachable(err) ? err : new TelecalError("TC_ERR_REDIS_UNREACHABLE", { url: redacted(options.redisUrl), reason: String(err) }, { cause: err });
  } finally {
    clearTimeout(timer);
  }
  const adapter = createAdapter(client, {
    streamName: `${prefix}:socket.io`,
    channelPrefix: `${prefix}:socket.io`,
    sessionKeyPrefix: `${prefix}:socket.io:session:`,
    // A process that stopped reading is let go within a second, so close() does not wait 5 s.
    blockTimeInMs: 1000,
    // Live ticks and events carry no binary data: the adapter need not look for it.
    onlyPlaintext: true,
  });
  return {
    adapter,
    async close() {
      if (client.isOpen) await client.close().catch(() => client.destroy());
    },
  };
}

function isUnreachable(err: unknown): boolean {
  return err instanceof TelecalError && err.code === "TC_ERR_REDIS_UNREACHABLE";
}

/** The URL without its password, for messages and logs. */
function redacted(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(not a URL)";
  }
}
