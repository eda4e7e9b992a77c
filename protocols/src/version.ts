/**
 * The wire contract's version. Bump it on any change that an older peer would misread; the server
 * refuses an agent that says another version, naming both.
 */
export const PROTOCOL_VERSION = 1;
