import type { ErrorBody } from "./errors";

/** What every socket.io acknowledgement carries: the result, or an error from the registry. */
export type Reply<T> = ({ ok: true } & T) | { ok: false; error: ErrorBody };
export type Ack<T> = (reply: Reply<T>) => void;
