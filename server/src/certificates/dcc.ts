import type { Bilingual, CertificateData, ResultRow } from "@telecal/protocols";
import { SERVER_VERSION } from "../version";
import { conclusionOf, DECISION_TEXT } from "./conformity";
import { DOCUMENT_TITLE, documentKindOf } from "./document-kind";
import { formatNumber } from "./reported-values";
import { dsiUnit } from "./units";

/** Where the signature block goes: just before the root's end tag (dcc:document is the root's last child). */
export const DCC_END_TAG = "</dcc:digitalCalibrationCertificate>\n";

export function xmlEscape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!);
}

/** A tiny builder: el("dcc:name", attrs?, ...children) with text escaped; indentation for people reading it. */
type Node = string | Node[] | null | undefined | false;
function el(name: string, ...children: Node[]): string;
function el(name: string, attrs: Record<string, string>, ...children: Node[]): string;
function el(name: string, ...rest: unknown[]): string {
  let attrs: Record<string, string> = {};
  if (rest.length > 0 && typeof rest[0] === "object" && rest[0] !== null && !Array.isArray(rest[0])) attrs = rest.shift() as Record<string, string>;
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${xmlEscape(v)}"`)
    .join("");
  const kids = (rest as Node[]).flat(4).filter((c): c is string => typeof c === "string" && c !== "");
  if (kids.length === 0) return `<${name}${a}/>`;
  if (kids.length === 1 && !kids[0]!.startsWith("<")) return `<${name}${a}>${kids[0]}</${name}>`;
  return `<${name}${a}>\n${kids.map((k) => indent(k)).join("\n")}\n</${name}>`;
}
const indent = (s: string) =>
  s
    .split("\n")
    .map((l) => `  ${l}`)
    .join("\n");
const t = (s: string) => xmlEscape(s);

function text(name: string, b: Bilingual | string): string {
  if (typeof b === "string") return el(name, el("dcc:content", t(b)));
  return el(name, el("dcc:content", { lang: "zh" }, t(b.zh)), el("dcc:content", { lang: "en" }, t(b.en)));
}

function real(value: number, unit: string, U?: { U: number; k: number; p: number }): string {
  return el(
    "si:real",
    el("si:value", formatNumber(value)),
    el("si:unit", t(dsiUnit(unit))),
    U &&
      el(
        "si:expandedUnc",
        el("si:uncertainty", formatNumber(U.U)),
        el("si:coverageFactor", formatNumber(U.k)),
        el("si:coverageProbability", formatNumber(U.p)),
        el("si:distribution", "normal"),
      ),
  );
}

function quantity(refType: string, name: Bilingual, body: string, meta?: string): string {
  return el("dcc:quantity", { refType }, text("dcc:name", name), body, meta);
}

function identification(issuer: string, value: string, name: Bilingual): string {
  return el("dcc:identification", el("dcc:issuer", issuer), el("dcc:value", t(value)), text("dcc:name", name));
}

function resultOf(row: ResultRow, index: number): string {
  const conformity =
    row.decision &&
    el(
      "dcc:measurementMetaData",
      el(
        "dcc:metaData",
        { refType: "basic_conformity" },
        el("dcc:declaration", el("dcc:content", { lang: "zh" }, DECISION_TEXT[row.decision].zh), el("dcc:content", { lang: "en" }, DECISION_TEXT[row.decision].en)),
        el("dcc:conformity", row.decision),
      ),
    );
  return el(
    "dcc:result",
    { id: `result${index + 1}` },
    text("dcc:name", { zh: `校准点 ${row.point}`, en: `Point ${row.point}` }),
    el(
      "dcc:data",
      el(
        "dcc:list",
        quantity("basic_nominalValue", { zh: "标称值", en: "Nominal value" }, real(row.nominal, row.unit)),
        quantity("basic_referenceValue", { zh: "标准值", en: "Reference value" }, real(row.reference, row.unit)),
        quantity("basic_indicatedValue", { zh: "示值", en: "Indication" }, real(row.indication, row.unit)),
        quantity(
          "basic_measurementError",
          { zh: "示值误差", en: "Error of indication" },
          real(row.error, row.unit, { U: row.U, k: row.k, p: row.coverageProbability }),
          conformity,
        ),
        row.mpe !== undefined && quantity("basic_toleranceLimitUpper", { zh: "最大允许误差", en: "Maximum permissible error" }, real(row.mpe, row.unit)),
      ),
    ),
  );
}

/**
 * The DCC 3.1.2 document of `data`, unsigned: the signature block (dcc:document, signature.ts)
 * goes just before DCC_END_TAG, and the digest covers these exact bytes.
 */
export function renderDcc(data: CertificateData): string {
  const kind = documentKindOf(data);
  const { calibrator, checker, approver } = data.people;
  const person = (p: { name: string }, role: Bilingual, main: boolean) =>
    el(
      "dcc:respPerson",
      el("dcc:person", text("dcc:name", p.name)),
      el("dcc:role", t(`${role.zh} ${role.en}`)),
      main && el("dcc:mainSigner", "true"),
      main && el("dcc:cryptElectronicSignature", "true"),
    );
  const conclusion = conclusionOf(data.results);
  const admin = el(
    "dcc:administrativeData",
    el("dcc:dccSoftware", el("dcc:software", text("dcc:name", "telecal"), el("dcc:release", SERVER_VERSION), el("dcc:type", "application"))),
    el(
      "dcc:coreData",
      el("dcc:countryCodeISO3166_1", data.lab.country),
      el("dcc:usedLangCodeISO639_1", "zh"),
      el("dcc:usedLangCodeISO639_1", "en"),
      el("dcc:mandatoryLangCodeISO639_1", "zh"),
      el("dcc:uniqueIdentifier", t(data.id)),
      el(
        "dcc:identifications",
        identification("calibrationLaboratory", data.number, { zh: "证书编号", en: "Certificate number" }),
        identification("calibrationLaboratory", `${DOCUMENT_TITLE[kind].zh} ${DOCUMENT_TITLE[kind].en}`, { zh: "文书类别", en: "Document kind" }),
        data.replaces && identification("calibrationLaboratory", data.replaces.number, { zh: "替代证书", en: "Replaces certificate" }),
      ),
      data.dates.received && el("dcc:receiptDate", data.dates.received),
      el("dcc:beginPerformanceDate", data.dates.performed),
      el("dcc:endPerformanceDate", data.dates.performed),
      el("dcc:performanceLocation", "laboratory"),
    ),
    el(
      "dcc:items",
      el(
        "dcc:item",
        text("dcc:name", data.item.name),
        el("dcc:manufacturer", text("dcc:name", data.item.maker)),
        el("dcc:model", t(data.item.model)),
        el("dcc:identifications", identification("manufacturer", data.item.serial, { zh: "出厂编号", en: "Serial number" })),
      ),
    ),
    el(
      "dcc:calibrationLaboratory",
      el("dcc:calibrationLaboratoryCode", t(data.lab.accreditation)),
      el(
        "dcc:contact",
        text("dcc:name", data.lab.name),
        el("dcc:eMail", t(data.lab.email)),
        data.lab.phone !== undefined && el("dcc:phone", t(data.lab.phone)),
        el("dcc:location", el("dcc:city", t(data.lab.city)), el("dcc:countryCode", data.lab.country), el("dcc:street", t(data.lab.address))),
      ),
    ),
    el(
      "dcc:respPersons",
      person(calibrator, { zh: "校准员", en: "Calibrated by" }, false),
      person(checker, { zh: "核验员", en: "Checked by" }, false),
      person(approver, { zh: "批准人", en: "Approved by" }, true),
    ),
    el("dcc:customer", text("dcc:name", data.customer.name), el("dcc:eMail", ""), el("dcc:location", el("dcc:further", el("dcc:content", t(data.customer.address))))),
    el(
      "dcc:statements",
      el(
        "dcc:statement",
        { refType: "telecal_method" },
        el("dcc:norm", t(data.method.code)),
        el("dcc:declaration", el("dcc:content", t(`${data.method.code} ${data.method.title}`))),
      ),
      data.mode === "verification" &&
        el(
          "dcc:statement",
          { refType: "basic_conformity" },
          el("dcc:declaration", el("dcc:content", { lang: "zh" }, conclusion.statement.zh), el("dcc:content", { lang: "en" }, conclusion.statement.en)),
          // A 检定结果通知书 (a point 不合格 or 待定) states no validity.
          kind !== "verification-failure-notice" && data.dates.validUntil && el("dcc:date", data.dates.validUntil),
          el("dcc:conformity", conclusion.conformity),
        ),
      el(
        "dcc:statement",
        { refType: "telecal_recordLog" },
        el(
          "dcc:declaration",
          el("dcc:content", t(`record log checkpoint: tree size ${data.records.checkpoint.treeSize}, root ${data.records.checkpoint.rootHash}, key ${data.records.checkpoint.keyId}`)),
          data.records.hashes.map((h) => el("dcc:content", `raw record sha256 ${h}`)),
        ),
      ),
    ),
  );
  const env = data.environment;
  const condition = (refType: string, name: Bilingual, value: number, unit: string) =>
    el("dcc:influenceCondition", { refType }, text("dcc:name", name), el("dcc:data", quantity(refType, name, real(value, unit))));
  const results = el(
    "dcc:measurementResults",
    el(
      "dcc:measurementResult",
      text("dcc:name", data.procedure.title),
      el("dcc:usedMethods", el("dcc:usedMethod", text("dcc:name", data.method.title), el("dcc:norm", t(data.method.code)))),
      el(
        "dcc:measuringEquipments",
        data.standards.map((s) =>
          el(
            "dcc:measuringEquipment",
            text("dcc:name", s.name),
            el("dcc:manufacturer", text("dcc:name", s.maker)),
            el("dcc:model", t(s.model)),
            el(
              "dcc:identifications",
              identification("manufacturer", s.serial, { zh: "出厂编号", en: "Serial number" }),
              identification("other", s.certificateNumber, { zh: `证书编号（有效期至 ${s.dueOn}）`, en: `Certificate number (due ${s.dueOn})` }),
            ),
          ),
        ),
      ),
      el(
        "dcc:influenceConditions",
        condition("basic_temperature", { zh: "环境温度", en: "Ambient temperature" }, env.temperature, "°C"),
        env.humidity !== undefined && condition("basic_humidityRelative", { zh: "相对湿度", en: "Relative humidity" }, env.humidity, "%RH"),
      ),
      el("dcc:results", data.results.map(resultOf)),
    ),
  );
  const root = el(
    "dcc:digitalCalibrationCertificate",
    { "xmlns:dcc": "https://ptb.de/dcc", "xmlns:si": "https://ptb.de/si", schemaVersion: "3.1.2" },
    admin,
    results,
  );
  // The root's end tag on a line of its own, so that the signature block goes just before it.
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n`;
}
