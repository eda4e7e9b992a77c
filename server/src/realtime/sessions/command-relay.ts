import { type AgentCommand, type AgentLeaseEpoch, type ErrorBody, NAMESPACE, type Reply, type ServerToAgentEvents, TelecalError } from "@telecal/protocols";
import type { Namespace, Server } from "socket.io";
import { agentRoom } from "../agent-namespace";

/** The agent's answer to a command: done, or the error it (or the way to it) gave. */
export type CommandOutcome = { ok: true } | { ok: false; error: ErrorBody };

/**
 * Sends a command that passed the server's checks to the agent that owns the instrument, on /agent
 * in the agent's room (any server process of a cluster reaches it), and waits for its ack.
 */
export class CommandRelay {
  private readonly nsp: Namespace<Record<string, never>, ServerToAgentEvents>;

  constructor(
    io: Server,
    private readonly timeoutMs: number,
  ) {
    this.nsp = io.of(NAMESPACE.agent);
  }

  async send(agentId: string, command: AgentCommand): Promise<CommandOutcome> {
    let replies: Reply<{ commandId: string }>[];
    try {
      replies = await this.nsp.to(agentRoom(agentId)).timeout(this.timeoutMs).emitWithAck("command", command);
    } catch {
      return { ok: false, error: new TelecalError("TC_ERR_AGENT_NO_ANSWER", { agentId, what: `command ${command.commandId}`, ms: this.timeoutMs }).toBody() };
    }
    const reply = replies[0];
    if (reply === undefined) return { ok: false, error: new TelecalError("TC_ERR_AGENT_OFFLINE", { agentId, instrument: command.instrument }).toBody() };
    if (typeof reply !== "object" || reply === null || typeof reply.ok !== "boolean") {
      return { ok: false, error: new TelecalError("TC_ERR_INTERNAL", { reason: `agent ${agentId} answered a command with no Reply` }).toBody() };
    }
    return reply.ok ? { ok: true } : { ok: false, error: reply.error };
  }

  /** Tells the agent a lease's new epoch, so that it refuses an older command still on its way. */
  epoch(agentId: string, epoch: AgentLeaseEpoch): void {
    this.nsp.to(agentRoom(agentId)).emit("lease-epoch", epoch);
  }
}
