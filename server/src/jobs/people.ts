import { TelecalError, type UserInfo } from "@telecal/protocols";
import type { AuthRepository } from "../auth/auth-repository";

/** A job's technician or expert: a user of one of the organisations concerned, in one of the roles given. */
export async function jobPerson(users: AuthRepository, part: "technician" | "expert", username: string, roles: string[], organisations: string[]): Promise<UserInfo> {
  const user = await users.userByUsername(username);
  if (!user || !organisations.includes(user.organisation.id)) throw new TelecalError("TC_ERR_JOB_PEOPLE", { part, username, reason: "no such user in the organisations concerned" });
  if (!roles.includes(user.role)) throw new TelecalError("TC_ERR_JOB_PEOPLE", { part, username, reason: `is ${user.role}, not ${roles.join(" or ")}` });
  return user;
}
