export { renderDcc } from "./dcc";
export { DOCUMENT_TITLE, documentKindOf } from "./document-kind";
export { type CertificateFiles, issueFiles, type Signer, verifyUrlOf } from "./issue-files";
export { type CertificateLanguage, renderPdf } from "./pdf";
export { formatNumber, reportedRow, reportedText } from "./reported-values";
export { type VerifiedFile, verifyCertificateFile, type VerifyFileOptions } from "./verify";
export { CertificateService, certificateStream } from "./service";
export { SignerKeys } from "./signer-keys";
export { checkCertificateRecords, checkCertificateRecordsAt } from "./records-check";
