import { TelecalError, type UserInfo } from "@telecal/protocols";
import type { AuthRepository } from "../auth/auth-repository";

/**
 * Users named by username for one part of a course (its trainers, its trainees): each must exist, be
 * of the role, and be of one of the organisations given. All are checked before any is taken, and
 * the refusal names every one that failed, so that a CSV with two typos is fixed in one go.
 */
export async function coursePeople(users: AuthRepository, part: "trainers" | "trainees", usernames: string[], role: "trainer" | "trainee", organisations: string[]): Promise<UserInfo[]> {
  const found: UserInfo[] = [];
  const bad: string[] = [];
  const reasons: string[] = [];
  for (const username of usernames) {
    const user = await users.userByUsername(username);
    let reason: string | null = null;
    if (!user || !organisations.includes(user.organisation.id)) reason = "no such user in the course's organisation or the stations it supervises";
    else if (user.role !== role) reason = `is ${user.role}, not ${role}`;
    if (reason === null && user) found.push(user);
    else {
      bad.push(username);
      reasons.push(`${username} ${reason}`);
    }
  }
  if (bad.length > 0) throw new TelecalError("TC_ERR_COURSE_PEOPLE", { part, usernames: bad.join(", "), reason: reasons.join("; ") });
  return found;
}
