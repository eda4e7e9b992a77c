/**
 * Runs one exchange at a time: an instrument that is sent a second query before it has answered
 * the first throws away a reply (SCPI -410 Query INTERRUPTED), so nothing overlaps.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task, task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
