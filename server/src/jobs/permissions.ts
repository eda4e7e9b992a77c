import { isBenchStep, type RunEvent, type RunState } from "@telecal/metrology";
import { type JobEventRequest, TelecalError, type UserInfo } from "@telecal/protocols";
import type { JobsTable } from "./schema";

/** A run event and the check of the run's state that it must pass before it is appended. */
export interface CheckedEvent {
  event: RunEvent;
  check: (state: RunState) => void;
}

/**
 * An event from people (the web): the job's expert holds, resumes, approves and sends back; its
 * technician completes. Refused here when it is not the sender's; the run's order is `check`'s.
 */
export function peopleEvent(user: UserInfo, job: JobsTable, body: JobEventRequest, now: number): CheckedEvent {
  const actor = `user:${user.id}`;
  const forbid = (what: string) => new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `${user.role} ${user.username}`, what, job: job.id });
  let event: RunEvent;
  if (body.kind === "held" || body.kind === "resumed") {
    if (user.id !== job.expert_id) throw forbid(body.kind === "held" ? "hold the run" : "resume the run");
    event = body.kind === "held" ? { kind: "held", by: actor, at: now, ...(body.comment ? { comment: body.comment } : {}) } : { kind: "resumed", by: actor, at: now };
  } else if (body.kind === "completed") {
    if (user.id !== job.technician_id) throw forbid(`complete step ${body.step}`);
    event = { kind: "completed", step: body.step, values: body.values, by: actor, at: now };
  } else {
    if (user.id !== job.expert_id) throw forbid(`${body.kind === "approved" ? "approve" : "send back"} step ${body.step}`);
    event = body.kind === "approved"
      ? { kind: "approved", step: body.step, by: actor, at: now, ...(body.comment ? { comment: body.comment } : {}) }
      : { kind: "sent-back", step: body.step, to: body.to, comment: body.comment, by: actor, at: now };
  }
  return {
    event,
    check: (state) => {
      // People end people's steps only: a reading is the bench's to report.
      if (event.kind === "completed" && state.next && isBenchStep(state.next.step) && state.next.key === event.step) {
        throw forbid(`complete the bench step ${event.step} (the agent reports it)`);
      }
    },
  };
}

/** The check of an event the job's agent reports: bench steps it completes, and a hold. */
export function agentEventCheck(agentId: string, jobId: string, event: RunEvent): (state: RunState) => void {
  return (state) => {
    // The bench holds the run when one of its steps fails for good (the reason in the comment).
    if (event.kind === "held") return;
    if (event.kind !== "completed" || (state.next && !isBenchStep(state.next.step))) {
      throw new TelecalError("TC_ERR_JOB_FORBIDDEN", { who: `agent ${agentId}`, what: `report ${event.kind} for a step people end`, job: jobId });
    }
  };
}
