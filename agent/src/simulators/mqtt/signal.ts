import type { MqttSimSignal } from "./definition";

export interface SignalEnvironment {
  /** Milliseconds; injected so that tests can run the clock. */
  now: () => number;
  /** Uniform [0, 1). */
  random: () => number;
}

export const realSignalEnvironment: SignalEnvironment = { now: () => Date.now(), random: Math.random };

/** A standard normal deviate (Box-Muller). */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** The value a device reports at `now`, rounded as it rounds. */
export function sampleSignal(signal: MqttSimSignal, startedAt: number, env: SignalEnvironment): number {
  const hours = (env.now() - startedAt) / 3_600_000;
  const noise = signal.noise > 0 ? signal.noise * gaussian(env.random) : 0;
  const value = signal.nominal + signal.driftPerHour * hours + noise;
  return Number(value.toFixed(signal.decimals));
}
