import { TelecalError } from "@telecal/protocols";
import { XMLParser, XMLValidator } from "fast-xml-parser";

/**
 * Reads an uploaded XML certificate safely: any document type declaration (a DTD, internal or
 * external entities, the billion laughs) is refused before a parser sees the text, and the parser
 * expands no entities but the five predefined ones.
 */
export function parseCertificateXml(text: string, file: string): Record<string, unknown> {
  if (/<!DOCTYPE/i.test(text) || /<!ENTITY/i.test(text)) throw new TelecalError("TC_ERR_CERT_DOCTYPE", { file });
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: `not well-formed XML: line ${valid.err.line}: ${valid.err.msg}` });
  const parser = new XMLParser({ ignoreAttributes: false, processEntities: true, htmlEntities: false, parseTagValue: false });
  return parser.parse(text) as Record<string, unknown>;
}

/** The certificate id a DCC states in dcc:coreData/dcc:uniqueIdentifier. */
export function dccUniqueIdentifier(doc: Record<string, unknown>, file: string): string {
  const root = doc["dcc:digitalCalibrationCertificate"] as Record<string, unknown> | undefined;
  const admin = root?.["dcc:administrativeData"] as Record<string, unknown> | undefined;
  const core = admin?.["dcc:coreData"] as Record<string, unknown> | undefined;
  const id = core?.["dcc:uniqueIdentifier"];
  if (typeof id !== "string") throw new TelecalError("TC_ERR_CERT_FORMAT", { file, reason: "no dcc:digitalCalibrationCertificate with a dcc:uniqueIdentifier" });
  return id;
}
