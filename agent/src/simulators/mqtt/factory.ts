import type { MqttSimDefinition } from "./definition";
import { MqttJsonSimulator } from "./json-sensor";
import type { MqttPublisher, MqttSimOptions } from "./publisher";
import { SparkplugEdgeSimulator } from "./sparkplug-edge-node";

/** The simulator for a definition; `deviceId` replaces the definition's device or edge node id. */
export function createMqttSimulator(definition: MqttSimDefinition, options: MqttSimOptions & { deviceId?: string }): MqttPublisher {
  const { deviceId, ...rest } = options;
  return definition.dialect === "sparkplug"
    ? new SparkplugEdgeSimulator(definition, deviceId === undefined ? rest : { ...rest, edgeNodeId: deviceId })
    : new MqttJsonSimulator(definition, options);
}
