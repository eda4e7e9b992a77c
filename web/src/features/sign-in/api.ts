import { type ErrorBody, LoginResponse, MeResponse } from "@telecal/protocols";

/** A refused request, with the server's registry code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

async function request(method: "GET" | "POST", url: string, body?: object): Promise<unknown> {
  // Same origin: the HttpOnly session cookie travels by itself; the page never reads the token.
  const res = await fetch(url, {
    method,
    credentials: "same-origin",
    headers: body ? { "content-type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const error = json as Partial<ErrorBody> | null;
    throw new ApiError(error?.code ?? `HTTP_${res.status}`, error?.message ?? res.statusText);
  }
  return json;
}

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
