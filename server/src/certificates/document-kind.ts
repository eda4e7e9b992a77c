import type { Bilingual, CalibrationDocumentKind, CertificateData, DocumentKind } from "@telecal/protocols";

/** 检定 with every point passing gives a 检定证书, with any failing a 检定结果通知书; 校准 a 校准证书. */
export function documentKindOf(data: Pick<CertificateData, "mode" | "results">): CalibrationDocumentKind {
  if (data.mode === "calibration") return "calibration-certificate";
  return data.results.every((r) => r.decision === "pass") ? "verification-certificate" : "verification-failure-notice";
}

export const DOCUMENT_TITLE: Readonly<Record<DocumentKind, Bilingual>> = {
  "verification-certificate": { zh: "检定证书", en: "Verification Certificate" },
  "verification-failure-notice": { zh: "检定结果通知书", en: "Notice of Verification Result" },
  "calibration-certificate": { zh: "校准证书", en: "Calibration Certificate" },
  "training-certificate": { zh: "培训证明", en: "Training Certificate" },
};
