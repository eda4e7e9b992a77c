import { LoginResponse, MeResponse } from "@telecal/protocols";
import { ApiError, request } from "../../api/client";

export { ApiError };

/** The signed-in user, or null when there is no live session. */
export async function fetchMe(): Promise<MeResponse | null> {
  try {
    return MeResponse.parse(await request("GET", "/api/auth/me"));
  } catch (err) {
    if (err instanceof ApiError && err.code.startsWith("TC_ERR_AUTH_")) return null;
    throw err;
  }
}

export async function signIn(username: string, password: string): Promise<void> {
  LoginResponse.parse(await request("POST", "/api/auth/login", { username, password }));
}

export async function signOut(): Promise<void> {
  await request("POST", "/api/auth/logout").catch(() => undefined);
}
