import { EventEmitter } from "node:events";
import type { Transport } from "@telecal/agent/transports/transport";

/** A transport the test drives by hand: it records what was written and injects what arrives. */
export class FakeTransport extends EventEmitter implements Transport {
  readonly target = "fake://bench";
  readonly written: string[] = [];
  isUp = true;

  open(): void {
    this.isUp = true;
    this.emit("up");
  }

  write(data: string | Uint8Array): void {
    this.written.push(typeof data === "string" ? data : Buffer.from(data).toString("latin1"));
  }

  async close(): Promise<void> {
    this.drop("closed");
  }

  arrive(text: string): void {
    this.emit("data", Buffer.from(text, "latin1"));
  }

  drop(reason: string): void {
    this.isUp = false;
    this.emit("down", reason);
  }
}
