export { canonicalJson } from "@telecal/protocols";
export { Checkpointer, checkpointSignatureValid, checkpointText, recordLeafHash, signCheckpoint } from "./checkpoints";
export { chainHash, GENESIS_HASH, leafData, sha256Hex } from "./hashing";
export { describePublicKey, ephemeralSigningKey, loadOrCreateSigningKey, RECORDS_KEY_FILE, readPublicKey, type SigningKey } from "./keys";
export { appendRecord, type AppendInput, type CorrectionInput, type LogRecord, RecordLog } from "./log";
export { auditPath, EMPTY_ROOT, Frontier, leafHash, nodeHash, rootOf, splitPoint, verifyInclusion } from "./merkle";
export { recordsDb, type RecordsSchema } from "./schema";
export { DEFAULT_CHECKPOINT_INTERVAL_MS, type RecordsOptions, startRecords } from "./service";
export { type BadCheckpoint, type BadRecord, type VerifyReport, verifyDatabase, verifyLog } from "./verify";
