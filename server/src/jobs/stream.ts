/** The record log's stream of a job's events. */
export function jobStream(jobId: string): string {
  return `job/${jobId}`;
}
