import { createClient } from "redis";

/** The local Redis of `npm run setup`; TELECAL_TEST_REDIS points elsewhere. */
export const TEST_REDIS_URL = process.env["TELECAL_TEST_REDIS"] ?? "redis://127.0.0.1:6379";

const newClient = () => createClient({ url: TEST_REDIS_URL, socket: { connectTimeout: 5000, reconnectStrategy: false } });

/** Fails with the way to get Redis when it does not answer; else runs `fn` with a client. */
async function withRedis<T>(fn: (client: ReturnType<typeof newClient>) => Promise<T>): Promise<T> {
  const client = newClient();
  client.on("error", () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`Redis is not reachable at ${TEST_REDIS_URL} (${String(err)}): run \`npm run setup\`, which installs and starts it`, { cause: err });
  }
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Checks that Redis answers (a test's beforeAll), with the way to get it if not. */
export function requireRedis(): Promise<void> {
  return withRedis(async (client) => void (await client.ping()));
}

/** Deletes the keys a test made under its prefix. */
export function dropPrefix(prefix: string): Promise<void> {
  return withRedis(async (client) => {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 })) {
      if (keys.length > 0) await client.del(keys);
    }
  });
}
