/**
 * Runs one exchange at a time: an instrument that is sent a second query before it has answered
 * the first throws away a reply (SCPI -410 Query INTERRUPTED), so nothing overlaps. An idle queue
 * starts the task at once rather than a microtask later: this is the hot path of every query.
 */
export class CommandQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.pending === 0 ? task() : this.tail.then(task, task);
    this.pending++;
    const done = () => {
      this.pending--;
    };
    this.tail = result.then(done, done);
    return result;
  }
}
