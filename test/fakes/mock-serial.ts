import { MockBinding } from "@serialport/binding-mock";
import type { SerialBinding } from "@telecal/agent/transports/serial-binding";

/** What the tests use of a @serialport/binding-mock port. */
export interface MockPort {
  readonly openOptions: Record<string, unknown>;
  readonly isOpen: boolean;
  /** Every byte written to the port since it was opened (the port is created with `record`). */
  readonly recording: Buffer;
  emitData(data: Buffer | string): void;
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

/**
 * @serialport/binding-mock that keeps each port it opens, so that a test sees the options passed
 * to the OS and the bytes written, and can pull the cable: the pending read fails with EIO as a
 * tty's does, and the path is gone until `plugIn()`.
 */
export class MockSerial {
  readonly opened: MockPort[] = [];
  private readonly unplugs: ((err: Error) => void)[] = [];

  constructor(readonly path = "/dev/ttyMOCK0") {
    MockBinding.reset();
    this.plugIn();
  }

  readonly binding: SerialBinding = {
    list: () => MockBinding.list(),
    open: async (options) => {
      const port = (await MockBinding.open(options)) as MockPort;
      const read = port.read.bind(port);
      const unplugged = new Promise<never>((_, reject) => this.unplugs.push(reject));
      unplugged.catch(() => undefined);
      Object.assign(port, { read: (b: Buffer, o: number, l: number) => Promise.race([read(b, o, l), unplugged]) });
      this.opened.push(port);
      return port;
    },
  };

  get last(): MockPort {
    const port = this.opened.at(-1);
    if (!port) throw new Error(`${this.path} was never opened`);
    return port;
  }

  plugIn(): void {
    MockBinding.createPort(this.path, { record: true });
  }

  /** The cable is pulled: reads fail, and opening the path fails until `plugIn()`. */
  unplug(): void {
    MockBinding.reset();
    for (const fail of this.unplugs.splice(0)) fail(Object.assign(new Error("Input/output error"), { code: "EIO" }));
  }
}
