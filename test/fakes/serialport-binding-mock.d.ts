// @serialport/binding-mock ships types that bundler resolution cannot reach through its "exports";
// these are the parts the tests use.
declare module "@serialport/binding-mock" {
  export interface CreatePortOptions {
    echo?: boolean;
    record?: boolean;
    readyData?: Buffer;
    maxReadSize?: number;
  }
  export const MockBinding: {
    reset(): void;
    createPort(path: string, options?: CreatePortOptions): void;
    list(): Promise<{ path: string }[]>;
    open(options: { path: string; baudRate: number }): Promise<unknown>;
  };
}
