import type { zhCNCertificates } from "./zh-CN-certificates";

/** English strings of the certificates page, checked against the Chinese at compile time. */
export const enCertificates: typeof zhCNCertificates = {
  certificates: {
    heading: "Certificates",
    none: "This organisation has issued no certificate yet.",
    number: "Number",
    kind: "Kind",
    what: "Item / course",
    who: "Customer / trainee",
    issued: "Issued",
    status: "Status",
    files: "Files",
    kinds: { "calibration-certificate": "Calibration certificate", "verification-certificate": "Verification certificate", "verification-failure-notice": "Verification failure notice", "training-certificate": "Training certificate" },
    statuses: { valid: "Valid", amended: "Amended (replaced)", revoked: "Revoked" },
    revoke: "Revoke",
    reason: "Reason for revocation (required)",
    revokeConfirm: "Revoke now",
  },
};
