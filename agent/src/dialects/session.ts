/** What a driver needs of a dialect: one exchange at a time, each with a timeout. */
export interface DialectSession {
  /** Sends a command and resolves with its reply line. */
  query(command: string, timeoutMs?: number): Promise<string>;
  /** Sends a setting and fails, with the instrument's own error code, if the instrument refused it. */
  set(command: string): Promise<void>;
  /** How many lines arrived that no query asked for, since the session began. */
  readonly unsolicited: number;
}
