import type { Job } from "@telecal/protocols";
import { createDemoJob as createJob } from "../../cli/demo-job";
import type { DemoStack } from "./demo-stack";

/** The demo bench's DC voltage job (calibrator 5522A, meter 34465A), started by the technician through REST. */
export function createDemoJob(stack: DemoStack): Promise<Job> {
  return createJob(stack.server, stack.tokens.technician);
}
