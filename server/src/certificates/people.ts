import { type CertificateData, TelecalError, type UserInfo } from "@telecal/protocols";
import type { AuthRepository } from "../auth/auth-repository";

/**
 * 校准员 and 核验员 are users of the approver's organisation (or, from a job, the job's own people:
 * its expert may be of the supervising institute); the approver is the caller; three people.
 */
export async function certificatePeople(users: AuthRepository, approver: UserInfo, given: Record<string, unknown>, fromJob: boolean): Promise<CertificateData["people"]> {
  const person = async (part: string, value: unknown) => {
    const id = typeof value === "object" && value !== null ? (value as { id?: unknown }).id : value;
    if (typeof id !== "string") throw new TelecalError("TC_ERR_CERT_PEOPLE", { part, username: "(none)", reason: "give the user id" });
    const user = await users.user(id);
    if (!user || (!fromJob && user.organisation.id !== approver.organisation.id)) throw new TelecalError("TC_ERR_CERT_PEOPLE", { part, username: id, reason: "no such user in the approver's organisation" });
    return { id: user.id, name: user.displayName };
  };
  const calibrator = await person("校准员 calibrator", given["calibrator"]);
  const checker = await person("核验员 checker", given["checker"]);
  const signer = { id: approver.id, name: approver.displayName };
  if (new Set([calibrator.id, checker.id, signer.id]).size !== 3) {
    throw new TelecalError("TC_ERR_CERT_PEOPLE", { part: "校准员, 核验员, 批准人", username: `${calibrator.id}, ${checker.id}, ${signer.id}`, reason: "must be three different people" });
  }
  return { calibrator, checker, approver: signer };
}
