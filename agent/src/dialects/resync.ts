/**
 * After a query timed out, its answer may still come, or never. The next exchange first waits out a
 * grace period (as long again as the timeout), during which a late answer is recognised and dropped,
 * then until the line has been quiet for a moment; after that the session owes nothing, so one lost
 * reply cannot shift every later reply by one.
 */
export async function resync(timedOutAt: number, graceMs: number, lastDataAt: () => number, quietMs = 50): Promise<void> {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const graceLeft = timedOutAt + graceMs - Date.now();
  if (graceLeft > 0) await sleep(graceLeft);
  const deadline = Date.now() + graceMs;
  for (;;) {
    const quietFor = Date.now() - lastDataAt();
    if (quietFor >= quietMs || Date.now() >= deadline) return;
    await sleep(quietMs - quietFor);
  }
}
