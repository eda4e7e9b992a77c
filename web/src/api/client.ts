import type { ErrorBody } from "@telecal/protocols";

/** A refused request, with the server's registry code. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A call to the server's API. Same origin: the HttpOnly session cookie travels by itself. */
export async function request(method: "GET" | "POST" | "PUT" | "DELETE", url: string, body?: object): Promise<unknown> {
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
