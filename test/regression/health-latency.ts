/** How long /api/health takes, sampled one after another until `until` settles: the event loop's witness. */
export async function healthLatencies<T>(url: string, until: Promise<T>): Promise<{ result: T; samples: number[] }> {
  let done = false;
  const settled = until.finally(() => {
    done = true;
  });
  const samples: number[] = [];
  while (!done) {
    const start = performance.now();
    const res = await fetch(`${url}/api/health`);
    await res.arrayBuffer();
    if (res.status !== 200) throw new Error(`/api/health answered ${res.status}`);
    samples.push(performance.now() - start);
  }
  return { result: await settled, samples };
}

/**
 * The bound the tests hold /api/health to: every answer within 1 s, and within 100 ms but for one in
 * ten (at least one may be slower). A shared machine can stall any process a few hundred ms now and
 * then; a blocked event loop stalls every answer for the seconds a parse takes (39 s in issue 22).
 */
export function latencyBound(samples: number[]): { slowOver100ms: number; allowedSlow: number; worst: number } {
  return { slowOver100ms: samples.filter((ms) => ms >= 100).length, allowedSlow: Math.max(1, Math.floor(samples.length / 10)), worst: Math.max(0, ...samples) };
}
