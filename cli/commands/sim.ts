import { getSimDefinition, InstrumentSimulator, servePty, serveTcp, simulatorNames } from "@telecal/agent";
import { type Command, InvalidArgumentError } from "commander";
import { parsePort } from "../options";
import { isMqttSim, type MqttSimCliOptions, mqttSimLines, runMqttSim } from "./sim-mqtt";

type FaultKind = "busy" | "garbage" | "stall" | "drop";

function parseFaults(text: string): Partial<Record<FaultKind, number>> {
  const faults: Partial<Record<FaultKind, number>> = {};
  for (const item of text.split(",")) {
    const [kind, value] = item.split("=");
    const p = Number(value);
    if (!["busy", "garbage", "stall", "drop"].includes(kind ?? "") || !(p >= 0 && p <= 1)) {
      throw new InvalidArgumentError(`${item}: expected busy|garbage|stall|drop=P with P from 0 to 1`);
    }
    faults[kind as FaultKind] = p;
  }
  return faults;
}

export function simCommand(program: Command): void {
  program
    .command("sim")
    .description("run a simulated instrument / 运行仪器模拟器")
    .argument("[name]", "simulator name (see --list)")
    .option("--list", "list the simulators")
    .option("--tcp <port>", "serve SCPI on this TCP port (0 picks one)", parsePort)
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .option("--pty <path>", "serve on a pseudo-terminal linked at this path, as a serial port (needs socat)")
    .option("--fault <list>", "inject faults: busy=P,garbage=P,stall=P,drop=P (probability per command)", parseFaults)
    .option("--mqtt <url>", "MQTT devices: publish to this broker (default mqtt://127.0.0.1:1883)")
    .option("--id <id>", "MQTT devices: device or edge node id, instead of the definition's")
    .action(async (name: string | undefined, opts: { list?: boolean; tcp?: number; host: string; pty?: string; fault?: Partial<Record<FaultKind, number>> } & MqttSimCliOptions) => {
      if (opts.list || name === undefined) {
        for (const n of simulatorNames()) {
          const def = getSimDefinition(n);
          const links = [
            def.defaultTcpPort !== undefined ? `tcp ${def.defaultTcpPort}` : null,
            def.serial ? `serial ${def.serial.baudRate} ${def.serial.dataBits}${def.serial.parity[0]!.toUpperCase()}${def.serial.stopBits}` : null,
          ].filter((l) => l !== null);
          process.stdout.write(`${n}\t${def.dialect}\t${links.join(", ")}\t${def.title}\n`);
        }
        for (const line of mqttSimLines()) process.stdout.write(line);
        return;
      }
      if (opts.mqtt !== undefined || isMqttSim(name)) return runMqttSim(name, opts);
      const def = getSimDefinition(name);
      const sim = new InstrumentSimulator(def);
      Object.assign(sim.faults, opts.fault ?? {});
      const servers: { close(): Promise<void> }[] = [];
      let stopping = false;
      if (opts.pty !== undefined) {
        const pty = await servePty(sim, opts.pty);
        servers.push(pty);
        process.stdout.write(`${name} listening on pty ${pty.path}\n`);
        void pty.exited.then((reason) => {
          if (stopping) return;
          process.stderr.write(`telecal sim: ${reason}: ${pty.path} is gone\n`);
          process.exit(1);
        });
      }
      if (opts.pty === undefined || opts.tcp !== undefined) {
        const server = await serveTcp(sim, opts.host, opts.tcp ?? def.defaultTcpPort ?? 5025);
        servers.push(server);
        process.stdout.write(`${name} listening on tcp://${server.host}:${server.port}\n`);
      }
      const stop = () => {
        stopping = true;
        void Promise.all(servers.map((s) => s.close())).then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
