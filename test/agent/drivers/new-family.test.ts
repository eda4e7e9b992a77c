import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startServer, type TelecalServer } from "@telecal/server";
import { afterAll, describe, expect, it } from "vitest";
import { Agent } from "@telecal/agent/agent";
import { loadAgentConfig } from "@telecal/agent/config";
import { silentLogger } from "@telecal/agent/log";
import { loadSimDefinitionFile } from "@telecal/agent/simulators/catalog";
import { InstrumentSimulator } from "@telecal/agent/simulators/engine";
import { serveTcp, type SimServer } from "@telecal/agent/simulators/tcp-server";
import { enrolAgent } from "../../fakes/auth";
import { waitFor } from "../../fakes/bench";

/** A family telecal has never seen: a humidity readout that answers "RH?" with "RH=45.20%". */
const SIM = `
name: acme-hygrometer
title: ACME HG-1 hygrometer
dialect: line
identity: "ACME,HG-1,0042,2.1"
terminator: "\\r\\n"
defaultTcpPort: 7000
initialFunction: rh
functions:
  rh: { unit: "%", maxRange: 100, signal: { nominal: 45.2 } }
commands:
  - { header: "ID?", do: identity }
  - { header: "RH?", do: read, format: "RH={value:.2f}%" }
`;

const DRIVER = `
name: acme-hygrometer
title: ACME HG-1 hygrometer
dialect: line
identity: { query: "ID?", match: "^ACME,HG-" }
transport: { tcpPort: 7000, terminator: "\\r\\n", timeoutMs: 2000 }
defaultMeasurement: rh
measurements:
  rh: { quantity: relative humidity, unit: "%", read: "RH?", parse: first-number }
`;

describe("a new instrument family from definition files alone", () => {
  let server: TelecalServer;
  let sim: SimServer;
  let agent: Agent;
  afterAll(async () => {
    await agent?.stop();
    await sim?.close();
    await server?.close();
  });

  it("is simulated, driven by the agent and its readings reach the server, with no code change", async () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-family-"));
    mkdirSync(join(dir, "drivers"));
    writeFileSync(join(dir, "acme-hygrometer.sim.yaml"), SIM);
    writeFileSync(join(dir, "drivers", "acme-hygrometer.yaml"), DRIVER);
    sim = await serveTcp(new InstrumentSimulator(loadSimDefinitionFile(join(dir, "acme-hygrometer.sim.yaml"))), "127.0.0.1", 0);
    server = await startServer({ host: "127.0.0.1", port: 0, logger: false, webRoot: null });
    writeFileSync(
      join(dir, "agent.yaml"),
      [
        "version: 1",
        `server: { url: "${server.url}" }`,
        "agent: { id: lab-new, name: New family lab }",
        "driverPaths: [drivers]",
        "instruments:",
        `  - { id: hg1, driver: acme-hygrometer, role: uut, transport: { type: tcp, host: 127.0.0.1, port: ${sim.port} }, intervalMs: 50 }`,
      ].join("\n"),
    );
    agent = new Agent(loadAgentConfig(join(dir, "agent.yaml")), silentLogger, undefined, { ...(await enrolAgent(server, "lab-new").then(({ auth, deviceKey }) => ({ credential: auth, deviceKey }))) });
    agent.start();
    const history = await waitFor("readings of the new family on the server", () => {
      const points = server.hub.snapshot().history["lab-new:hg1.rh"];
      return points && points.length >= 3 ? points : undefined;
    });
    expect(history.every(([, value]) => value === 45.2)).toBe(true);
    const described = await waitFor("the identity of the new family", () => {
      const instrument = server.hub.summaries()[0]?.instruments[0];
      return instrument?.model === "HG-1" ? instrument : undefined;
    });
    expect(described).toMatchObject({ driver: "acme-hygrometer", maker: "ACME", serial: "0042" });
    expect(described.streams).toEqual([{ id: "hg1.rh", quantity: "relative humidity", unit: "%" }]);
  });
});
