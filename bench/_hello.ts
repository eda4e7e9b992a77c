// The hello of the benches' agents: `channels` DMMs of one DC-voltage stream each.
import { type AgentHello, PROTOCOL_VERSION } from "@telecal/protocols";

export const instrumentOf = (channel: number) => `ch${channel}`;
export const streamOf = (channel: number) => `ch${channel}.dcv`;

export function benchHello(agentId: string, channels: number): AgentHello {
  return {
    protocol: PROTOCOL_VERSION,
    agentId,
    name: "bench lab",
    software: "bench",
    instruments: Array.from({ length: channels }, (_, c) => ({
      id: instrumentOf(c),
      driver: "keysight-34465a",
      role: "uut" as const,
      maker: "",
      model: "",
      serial: "",
      firmware: "",
      streams: [{ id: streamOf(c), quantity: "voltage", unit: "V" }],
    })),
  };
}
