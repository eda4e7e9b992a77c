import type { TrainingCertificateData } from "@telecal/protocols";
import { manifestBase, type Signer, verifyUrlOf } from "./issue-files";
import type { PdfLanguage } from "./pdf-parts";
import { sealPdf, signatureSpaceFor } from "./pdf-seal";
import { renderTrainingPdf } from "./training-pdf";

/**
 * Renders and signs a 培训证明's PDFs, Chinese and English: the same manifest and seal as a
 * calibration certificate's PDF (format telecal-certificate-signature/v1), without a DCC or a job,
 * so that every verifier of certificates checks it as it is.
 */
export async function issueTrainingFiles(data: TrainingCertificateData, signer: Signer, publicBaseUrl: string, now = Date.now()): Promise<Record<PdfLanguage, Buffer>> {
  if (signer.person.id !== data.issuer.id) throw new Error("only the issuer signs a training certificate");
  const base = manifestBase(data, signer, now);
  const verifyUrl = verifyUrlOf(publicBaseUrl, data.id);
  const signatureSpace = signatureSpaceFor(data.records.hashes.length);
  const pdf = {} as Record<PdfLanguage, Buffer>;
  for (const lang of ["zh", "en"] as const) pdf[lang] = sealPdf(await renderTrainingPdf(data, { lang, verifyUrl, signatureSpace }), base, undefined, signer.key);
  return pdf;
}
