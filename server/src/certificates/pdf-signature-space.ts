/** The name of the signature block attached to a certificate PDF. */
export const SIGNATURE_FILE_PDF = "telecal-signature.json";
/** What the signature space holds before it is filled (spaces after it). */
export const PDF_SIGNATURE_MARKER = "TELECAL-SIGNATURE-SPACE";
/** How a filled block starts: canonical JSON of a SignatureBlock, whose manifest's first key is certificateId. */
export const PDF_SIGNATURE_PREFIX = '{"manifest":{"certificateId":"';

/** An attached file of `space` bytes, uncompressed, that pdf-seal.ts fills with the signature block in place. */
export function attachSignatureSpace(doc: PDFKit.PDFDocument, space: number): void {
  const placeholder = Buffer.alloc(space, 0x20);
  placeholder.write(PDF_SIGNATURE_MARKER, 0, "latin1");
  const ref = doc.ref({ Type: "EmbeddedFile", Subtype: "application#2Fjson", Params: { Size: space } });
  // Stored as is, so that the block can be written into these bytes after the file is complete.
  ref.compress = false;
  ref.end(placeholder);
  const spec = doc.ref({
    Type: "Filespec",
    AFRelationship: "Supplement",
    F: new String(SIGNATURE_FILE_PDF),
    UF: new String(SIGNATURE_FILE_PDF),
    Desc: new String("telecal certificate signature (Ed25519)"),
    EF: { F: ref },
  });
  spec.end("");
  doc.addNamedEmbeddedFile(SIGNATURE_FILE_PDF, spec);
}
