import { type CertificateData, CertificateData as CertificateDataSchema, type ResultRow } from "@telecal/protocols";

/** Fixed result rows per shipped procedure (as `telecal calibrate --demo` gives them), for fast certificate tests. */
export const PROCEDURE_ROWS: Record<string, { mode: "verification" | "calibration"; code: string; title: string; item: { zh: string; en: string }; rows: ResultRow[] }> = {
  "dmm-dcv-jjf1587": {
    mode: "calibration",
    code: "JJF 1587-2016",
    title: "数字多用表校准规范",
    item: { zh: "数字多用表", en: "Digital multimeter" },
    rows: [
      { point: "dcv-100mv", nominal: 0.1, unit: "V", reference: 0.1, indication: 0.1000021, error: 0.0000021, U: 0.0000045, k: 2, coverageProbability: 0.95 },
      { point: "dcv-1v", nominal: 1, unit: "V", reference: 1, indication: 1.0000087, error: 0.0000087, U: 0.000024, k: 2, coverageProbability: 0.95 },
      { point: "dcv-neg10v", nominal: -10, unit: "V", reference: -10, indication: -9.999962, error: 0.000038, U: 0.00026, k: 2, coverageProbability: 0.95 },
      { point: "res-1k", nominal: 1000, unit: "Ω", reference: 1000, indication: 1000.013, error: 0.013, U: 0.023, k: 2, coverageProbability: 0.9545 },
    ],
  },
  "balance-jjg1036": {
    mode: "verification",
    code: "JJG 1036-2008",
    title: "电子天平检定规程",
    item: { zh: "电子天平", en: "Electronic balance" },
    rows: [
      { point: "load-10g", nominal: 10, unit: "g", reference: 10, indication: 10.00002, error: 0.00002, U: 0.000012, k: 2, coverageProbability: 0.95, mpe: 0.0005, decision: "pass" },
      { point: "load-100g", nominal: 100, unit: "g", reference: 100, indication: 100.00011, error: 0.00011, U: 0.000032, k: 2, coverageProbability: 0.95, mpe: 0.001, decision: "pass" },
    ],
  },
  "pressure-gauge-jjg52": {
    mode: "verification",
    code: "JJG 52-2013",
    title: "弹性元件式一般压力表、压力真空表和真空表检定规程",
    item: { zh: "一般压力表", en: "Pressure gauge" },
    rows: [
      { point: "p-400", nominal: 400, unit: "hPa", reference: 400, indication: 402, error: 2, U: 1.4, k: 2, coverageProbability: 0.95, mpe: 32, decision: "pass" },
      { point: "p-1600", nominal: 1600, unit: "hPa", reference: 1600, indication: 1640, error: 40, U: 1.4, k: 2, coverageProbability: 0.95, mpe: 32, decision: "fail" },
    ],
  },
  "thermometer-bath": {
    mode: "calibration",
    code: "JJF 1059.1-2012",
    title: "测量不确定度评定与表示",
    item: { zh: "数字温度计", en: "Digital thermometer" },
    rows: [
      { point: "t-0", nominal: 0, unit: "°C", reference: 0.003, indication: 0.02, error: 0.017, U: 0.026, k: 2, coverageProbability: 0.95 },
      { point: "t-50", nominal: 50, unit: "°C", reference: 49.996, indication: 50.04, error: 0.044, U: 0.026, k: 2, coverageProbability: 0.95 },
    ],
  },
};

export const PEOPLE = {
  calibrator: { id: "u-calibrator", name: "张伟" },
  checker: { id: "u-checker", name: "李娜" },
  approver: { id: "u-approver", name: "王芳" },
};

export function certificateDataFor(procedureId: string, id = `cert-${procedureId}`): CertificateData {
  const p = PROCEDURE_ROWS[procedureId]!;
  return CertificateDataSchema.parse({
    id,
    number: `TC-2026-${procedureId.slice(0, 4).toUpperCase()}-0001`,
    mode: p.mode,
    lab: {
      name: { zh: "浙江省计量科学研究院（演示）", en: "Zhejiang Institute of Metrology (demo)" },
      address: "杭州市文一路 222 号",
      city: "杭州",
      country: "CN",
      email: "lab@example.org",
      accreditation: "CNAS L0000 (demo)",
    },
    customer: { name: "淳安县计量检定测试所", address: "淳安县千岛湖镇" },
    item: { name: p.item, maker: "Demo Instruments", model: "DM-1", serial: "SN-0042" },
    dates: { performed: "2026-11-30", issued: "2026-12-01", ...(p.mode === "verification" ? { validUntil: "2027-11-29" } : {}) },
    method: { code: p.code, title: p.title },
    procedure: { id: procedureId, title: { zh: p.item.zh, en: p.item.en } },
    standards: [
      { name: { zh: "多功能校准器", en: "Multifunction calibrator" }, maker: "Fluke", model: "5522A", serial: "CAL-7", certificateNumber: "ZJ-2026-1234", dueOn: "2027-06-30" },
    ],
    environment: { temperature: 20.3, humidity: 45 },
    results: p.rows,
    people: PEOPLE,
    records: { checkpoint: { treeSize: 12, rootHash: "a".repeat(64), keyId: "0123456789abcdef" }, hashes: ["b".repeat(64), "c".repeat(64)] },
  });
}
