import { ReadingFlag, TelecalError } from "@telecal/protocols";
import type { BenchAgent } from "./bench-agent";
import { PolledInstrument } from "../instruments/polled-instrument";
import type { RuntimeReading } from "../instruments/runtime";

/** Readings a read step took: their values, and where the raw records of them are. */
export interface TakenReadings {
  stream: string;
  t: number[];
  values: number[];
}

/** What a job runner needs of the bench: set an instrument, take its next readings. */
export interface Bench {
  set(equipment: string, property: string, value: number | string): Promise<void>;
  /** The next `count` readings of the equipment's measurement that arrive from now on. */
  read(equipment: string, measurement: string | undefined, count: number): Promise<TakenReadings>;
}

/** How long a read step waits for one more reading before it gives up, naming the stream. */
const READING_TIMEOUT_MS = 30_000;

/**
 * The bench as the agent runs it: a job's equipment ids bound to the agent's instruments. Readings
 * are taken from the stream the agent stores and signs, so every value of a result has its raw record.
 */
export class AgentBench implements Bench {
  constructor(
    private readonly agent: BenchAgent,
    /** Equipment id of the procedure → instrument id of the agent config. */
    private readonly binding: Record<string, string>,
  ) {}

  private instrumentId(equipment: string): string {
    const id = this.binding[equipment];
    if (id === undefined) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: "bound to no instrument of this agent" });
    return id;
  }

  async set(equipment: string, property: string, value: number | string): Promise<void> {
    const id = this.instrumentId(equipment);
    const instrument = this.agent.instruments.find((i) => i.id === id);
    if (!(instrument instanceof PolledInstrument)) {
      throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `instrument ${id} is missing or cannot be set (${property})` });
    }
    await instrument.setProperty(property, value);
  }

  async read(equipment: string, measurement: string | undefined, count: number): Promise<TakenReadings> {
    const id = this.instrumentId(equipment);
    const instrument = this.agent.instruments.find((i) => i.id === id);
    if (!instrument) throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `no instrument ${id} on this agent` });
    if (instrument instanceof PolledInstrument) {
      // A polled instrument samples one measurement: a step reading another switches it first.
      measurement ??= instrument.configuredMeasurement;
      if (!(measurement in instrument.driver.measurements)) {
        throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `instrument ${id} (${instrument.driver.name}) measures no ${measurement} (it measures: ${Object.keys(instrument.driver.measurements).join(", ")})` });
      }
      await instrument.use(measurement);
    }
    const streams = instrument.describe().streams.map((s) => s.id);
    const wanted = measurement !== undefined ? `${id}.${measurement}` : streams[0];
    if (wanted === undefined || (streams.length > 0 && !streams.includes(wanted))) {
      throw new TelecalError("TC_ERR_JOB_BINDING", { equipment, reason: `instrument ${id} gives no ${wanted ?? "stream"} (it gives: ${streams.join(", ") || "none"})` });
    }
    return new Promise((resolve, reject) => {
      const taken: TakenReadings = { stream: wanted, t: [], values: [] };
      let timer: NodeJS.Timeout;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          off();
          reject(new TelecalError("TC_ERR_INSTRUMENT_TIMEOUT", { instrument: id, command: `reading ${taken.t.length + 1} of ${count} on ${wanted}`, ms: READING_TIMEOUT_MS }));
        }, READING_TIMEOUT_MS);
      };
      const off = this.agent.onReading((instrumentId: string, streamId: string, _unit: string, reading: RuntimeReading) => {
        // An overload, a missing value or a reading the instrument marks unstable (a balance still
        // moving) is no reading of the quantity: the step waits for the next.
        if (instrumentId !== id || streamId !== wanted || reading.value === null) return;
        if ((reading.flags & (ReadingFlag.overload | ReadingFlag.unstable)) !== 0) return;
        taken.t.push(reading.t);
        taken.values.push(reading.value);
        arm();
        if (taken.values.length === count) {
          clearTimeout(timer);
          off();
          resolve(taken);
        }
      });
      arm();
    });
  }
}
