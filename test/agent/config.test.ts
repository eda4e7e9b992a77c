import { isTelecalError } from "@telecal/protocols";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig, parseAgentConfig } from "@telecal/agent/config";

const GOOD = `version: 1
server:
  url: http://127.0.0.1:8080
agent:
  id: county-lab-1
  name: 某县计量检定所
instruments:
  - id: dmm1
    driver: keysight-34465a
    role: uut
    transport:
      type: tcp
      host: 127.0.0.1
      port: 5025
`;

function errorOf(text: string): string {
  try {
    parseAgentConfig(text, "agent.yaml");
  } catch (err) {
    expect(isTelecalError(err, "TC_ERR_CONFIG_INVALID")).toBe(true);
    return (err as Error).message;
  }
  throw new Error("config was accepted");
}

describe("agent config", () => {
  it("accepts a good file and fills defaults", () => {
    const config = parseAgentConfig(GOOD, "agent.yaml");
    expect(config.instruments[0]).toMatchObject({ id: "dmm1", intervalMs: 500, transport: { port: 5025 } });
  });

  it("takes the outbox's retention of acknowledged readings in hours (a week by default, in the agent)", () => {
    expect(parseAgentConfig(GOOD, "agent.yaml").outbox).toBeUndefined();
    const withRetention = GOOD.replace("instruments:", "outbox:\n  retentionHours: 24\ninstruments:");
    expect(parseAgentConfig(withRetention, "agent.yaml").outbox).toEqual({ retentionHours: 24 });
    expect(parseAgentConfig(GOOD.replace("instruments:", "outbox: {}\ninstruments:"), "agent.yaml").outbox).toEqual({ retentionHours: 168 });
    expect(errorOf(GOOD.replace("instruments:", "outbox:\n  retentionHours: -1\ninstruments:"))).toMatch(/^agent\.yaml:8: outbox\.retentionHours: /);
  });

  it("names the file, line and key of a bad value", () => {
    expect(errorOf(GOOD.replace("port: 5025", "port: 70000"))).toMatch(
      /^agent\.yaml:14: instruments\.0\.transport\.port: .*65535/,
    );
    expect(errorOf(GOOD.replace("role: uut", "role: boss"))).toMatch(/^agent\.yaml:10: instruments\.0\.role: /);
  });

  it("names an unknown key where it stands", () => {
    expect(errorOf(GOOD.replace("  name: 某县", "  colour: red\n  name: 某县"))).toMatch(/^agent\.yaml:6: agent\.colour: /);
  });

  it("names a missing key at its parent", () => {
    expect(errorOf(GOOD.replace("    driver: keysight-34465a\n", ""))).toMatch(/^agent\.yaml:8: instruments\.0\.driver: /);
  });

  it("reports YAML syntax errors with their line", () => {
    expect(errorOf("version: 1\nserver: [oops\n")).toMatch(/^agent\.yaml:\d+: \(yaml\): /);
  });

  it("names a file that cannot be read", () => {
    expect(() => loadAgentConfig("/nonexistent/agent.yaml")).toThrow(/^\/nonexistent\/agent\.yaml: cannot read: /);
  });

  it("puts the data dir (the outbox) beside the config file unless it names one", () => {
    const dir = mkdtempSync(join(tmpdir(), "telecal-config-"));
    try {
      writeFileSync(join(dir, "agent.yaml"), GOOD);
      expect(loadAgentConfig(join(dir, "agent.yaml")).dataDir).toBe(join(dir, "agent-data"));
      writeFileSync(join(dir, "other.yaml"), `${GOOD}dataDir: ../spool\n`);
      expect(loadAgentConfig(join(dir, "other.yaml")).dataDir).toBe(join(dir, "..", "spool"));
      // Built in code without one: no file at all (the outbox stays in memory).
      expect(parseAgentConfig(GOOD, "agent.yaml").dataDir).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
