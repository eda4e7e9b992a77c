import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { BIN } from "../fakes/cli";

const run = promisify(execFile);

describe("telecal sim, MQTT devices", () => {
  it("--list shows them with mqtt in the transport column", async () => {
    const { stdout } = await run(process.execPath, [BIN, "sim", "--list"]);
    expect(stdout).toMatch(/^mqtt-env-sensor\tmqtt-json\tmqtt\t.*温湿度传感器/m);
    expect(stdout).toMatch(/^sparkplug-edge\tsparkplug\tmqtt\tSparkplug B edge node/m);
    expect(stdout).toMatch(/^keysight-34465a\tscpi\ttcp 5025\t/m);
  });

  it("refuses --mqtt for an instrument that does not publish over MQTT", async () => {
    const err = await run(process.execPath, [BIN, "sim", "keysight-34465a", "--mqtt", "mqtt://127.0.0.1:1"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(err).toMatchObject({ code: 2, stderr: "telecal sim: keysight-34465a does not publish over MQTT: use --tcp or --pty\n" });
  });
});
