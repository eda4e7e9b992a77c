import { createServer, type Socket } from "node:net";
import { Aedes } from "aedes";
import { type Logger, silentLogger } from "../log";

export interface EmbeddedBrokerOptions {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Address to listen on: loopback by default; "0.0.0.0" lets the lab's sensors reach it. */
  host?: string;
  log?: Logger;
}

export interface EmbeddedBroker {
  readonly host: string;
  readonly port: number;
  /** mqtt://host:port, for an MqttTransportConfig or `telecal sim --mqtt`. */
  readonly url: string;
  /** Clients connected now. */
  clients(): number;
  /** Disconnects every client and stops listening. */
  close(): Promise<void>;
}

/**
 * The in-process MQTT broker (aedes, MQTT 3.1.1) of the one-machine default: it serves MQTT sensors
 * and simulators when no external broker is configured. Beyond one machine, use Mosquitto or EMQX:
 * this one keeps nothing on disk and does no authentication.
 */
export async function startEmbeddedBroker(options: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const log = (options.log ?? silentLogger).child({ ns: "mqtt-broker" });
  const aedes = await Aedes.createBroker();
  aedes.on("clientError", (client, err) => log.debug({ client: client.id, err: err.message }, "client error"));
  aedes.on("connectionError", (_client, err) => log.debug({ err: err.message }, "connection error"));
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    aedes.handle(socket);
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err) => reject(new Error(`MQTT broker cannot listen on ${host}:${options.port}: ${err.message}`)));
    server.listen(options.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : options.port;
  const url = `mqtt://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url }, "MQTT broker listening");
  return {
    host,
    port,
    url,
    clients: () => aedes.connectedClients,
    close: async () => {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
