import { describe, expect, it } from "vitest";
import { DriverCatalog } from "@telecal/agent/drivers/catalog";
import { DriverDefinition } from "@telecal/agent/drivers/definition";

describe("MQTT sensor drivers as data", () => {
  it("ship mqtt-json-sensor and sparkplug-edge, with no transport block needed", () => {
    const drivers = new DriverCatalog();
    expect(drivers.get("mqtt-json-sensor")).toMatchObject({
      dialect: "mqtt-json",
      mqtt: { topic: "lab/env/{id}/state" },
      measurements: { temperature: { unit: "°C", read: "$.temperature.value", unitAt: "$.temperature.unit", time: "$.time" } },
    });
    expect(drivers.get("sparkplug-edge")).toMatchObject({
      dialect: "sparkplug",
      mqtt: { groupId: "telecal", edgeNodeId: "{id}" },
      measurements: { pressure: { unit: "hPa", read: "Environment/Pressure" } },
    });
  });

  it("an mqtt-json driver must name its topic, a sparkplug one its group and edge node", () => {
    const base = { name: "x", title: "x", defaultMeasurement: "t", measurements: { t: { quantity: "t", unit: "°C", read: "$.t" } } };
    const json = DriverDefinition.safeParse({ ...base, dialect: "mqtt-json" });
    expect(json.success ? [] : json.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "mqtt.topic: an mqtt-json driver names its topic",
    ]);
    const spb = DriverDefinition.safeParse({ ...base, dialect: "sparkplug", mqtt: { groupId: "g" } });
    expect(spb.success ? [] : spb.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([
      "mqtt: a sparkplug driver names groupId and edgeNodeId",
    ]);
  });
});
