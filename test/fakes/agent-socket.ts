import { NAMESPACE, type ReadingBatch } from "@telecal/protocols";
import { io, type Socket } from "socket.io-client";

/** An enrolled agent's /agent socket, connected: the tests' stand-in for the uplink's. */
export async function connectAgentSocket(serverUrl: string, auth: { agentId: string; credential: string }): Promise<Socket> {
  const socket = io(`${serverUrl}${NAMESPACE.agent}`, { transports: ["websocket"], forceNew: true, auth });
  await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
  return socket;
}

/** An unsigned batch of stream dmm1.dcv: seq k at 1_795_000_000_000 + 100 k ms, value 1 + k µV. */
export const dmmBatch = (firstSeq: number, n: number, unit = "V"): ReadingBatch => ({
  streamId: "dmm1.dcv",
  instrumentId: "dmm1",
  firstSeq,
  t: Array.from({ length: n }, (_, i) => 1_795_000_000_000 + (firstSeq + i) * 100),
  values: Array.from({ length: n }, (_, i) => 1 + (firstSeq + i) * 1e-6),
  flags: Array.from({ length: n }, () => 0),
  unit,
  clock: { offsetMs: 0, uncertaintyMs: 1 },
  historical: false,
});
