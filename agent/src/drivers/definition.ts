/**
 * A driver is data: how to recognise the instrument, how to reach it, and for each measurement the
 * command that configures it and the query that reads it (PyMeasure's `control()`, QCoDeS
 * parameters). A new instrument family is a new definition, not new code paths.
 */
export interface MeasurementDefinition {
  quantity: string;
  /** SI unit symbol of the value read. */
  unit: string;
  /** Setting sent once before reading, checked against the error queue. */
  configure?: string;
  /** Query whose reply is the value. */
  read: string;
}

export interface DriverDefinition {
  name: string;
  title: string;
  dialect: "scpi";
  /** Matched against the reply to *IDN?. */
  identity: RegExp;
  transport: {
    tcpPort: number;
    terminator: string;
    timeoutMs: number;
  };
  measurements: Record<string, MeasurementDefinition>;
  defaultMeasurement: string;
}
