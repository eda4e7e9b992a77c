/** The name of the signature block attached to a certificate PDF. */
export const SIGNATURE_FILE_PDF = "telecal-signature.json";
/** What the signature space holds before it is filled (spaces after it). */
export const PDF_SIGNATURE_MARKER = "TELECAL-SIGNATURE-SPACE";
/** How a filled block starts: canonical JSON of a SignatureBlock, whose manifest's first key is certificateId. */
export const PDF_SIGNATURE_PREFIX = '{"manifest":{"certificateId":"';
