import type { AddCertificateRequest, CreateInstrumentRequest } from "@telecal/protocols";

/** A county lab's reference calibrator, as its admin registers it. */
export const calibrator = (labId: string, serial = "9876543", over: Partial<CreateInstrumentRequest> = {}): CreateInstrumentRequest => ({
  labId,
  maker: "Fluke",
  model: "5522A",
  serial,
  role: "reference",
  quantity: "voltage",
  range: "0-1020 V DC",
  ...over,
});

/** A unit under test: the DMM on the bench. */
export const dmm = (labId: string, serial = "MY5900123"): CreateInstrumentRequest => ({
  labId,
  maker: "Keysight",
  model: "34465A",
  serial,
  role: "uut",
  quantity: "voltage",
  range: "100 mV-1000 V DC",
});

/** A calibrator's own certificate from the provincial institute, one point at 10 V. */
export const certificate = (number: string, issuedOn: string, dueOn: string): AddCertificateRequest => ({
  number,
  issuer: "浙江省计量科学研究院 Zhejiang Institute of Metrology",
  issuedOn,
  dueOn,
  values: [{ quantity: "voltage", nominal: 10, value: 10.000012, unit: "V", uncertainty: 0.000015, k: 2 }],
});
