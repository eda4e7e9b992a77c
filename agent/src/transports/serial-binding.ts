import { read } from "node:fs";
import { promisify } from "node:util";
import { SerialPort } from "serialport";

/**
 * How serialport reaches the hardware: the platform's binding, or @serialport/binding-mock in tests.
 * Declared here because @serialport/bindings-interface ships no types under bundler resolution.
 */
export interface SerialBinding {
  list(): Promise<{ path: string }[]>;
  open(options: { path: string; baudRate: number }): Promise<unknown>;
}

/** What a Linux or macOS port of @serialport/bindings-cpp holds. */
interface UnixPort {
  fd: number | null;
  readonly isOpen: boolean;
  poller: { once(event: "readable", callback: (err: Error | null) => void): unknown };
  read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
}

function isUnixPort(port: unknown): port is UnixPort {
  const p = port as Partial<UnixPort> | null;
  return typeof p?.fd === "number" && typeof p.poller?.once === "function" && typeof p.read === "function";
}

const readAsync = promisify(read);

/** libuv reports a tty's POLLERR (hangup) as "bad file descriptor"; say what it means. */
function hungUp(err: Error & { canceled?: boolean }): Error {
  if (err.canceled) return err;
  return Object.assign(new Error(`the device hung up (${err.message})`), { code: "EHUP" });
}

/** serialport's mark for a read ended by our own close: not a disconnect. */
function canceled(): Error {
  return Object.assign(new Error("Port is not open"), { canceled: true });
}

/**
 * Reads like bindings-cpp's unixRead, except that a read of 0 bytes is the end: a tty whose
 * USB adapter was pulled, or a pty whose other side went away, reads end-of-file for ever, and
 * unixRead retries such reads without end (serialport/bindings-cpp#162), so the loss is never seen.
 */
async function hangupAwareRead(port: UnixPort, buffer: Buffer, offset: number, length: number) {
  for (;;) {
    if (!port.isOpen || port.fd === null) throw canceled();
    let bytesRead: number;
    try {
      ({ bytesRead } = await readAsync(port.fd, buffer, offset, length, null));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "EAGAIN" && code !== "EWOULDBLOCK" && code !== "EINTR") throw err;
      if (!port.isOpen) throw canceled();
      await new Promise<void>((resolve, reject) => port.poller.once("readable", (e) => (e ? reject(hungUp(e)) : resolve())));
      continue;
    }
    if (bytesRead === 0) throw Object.assign(new Error("the device hung up (end of file)"), { code: "EOF" });
    return { buffer, bytesRead };
  }
}

const detected = SerialPort.binding as unknown as SerialBinding;

/** The platform's own binding (Linux, macOS, Windows), with hangups seen on Linux and macOS. */
export const platformBinding: SerialBinding = {
  list: () => detected.list(),
  async open(options) {
    const port = await detected.open(options);
    if (isUnixPort(port)) port.read = (buffer, offset, length) => hangupAwareRead(port, buffer, offset, length);
    return port;
  },
};
