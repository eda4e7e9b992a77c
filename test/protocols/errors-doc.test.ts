import { readFileSync } from "node:fs";
import { ERRORS, formatError, TelecalError } from "@telecal/protocols";
import { describe, expect, it } from "vitest";

/** Rows of the table in docs/errors.md: | `CODE` | status | message |. */
function documentedErrors(): Map<string, { status: number; message: string }> {
  const text = readFileSync(new URL("../../docs/errors.md", import.meta.url), "utf8");
  const rows = new Map<string, { status: number; message: string }>();
  for (const line of text.split("\n")) {
    const m = /^\|\s*`(TC_ERR_[A-Z0-9_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|$/.exec(line);
    if (m) rows.set(m[1]!, { status: Number(m[2]), message: m[3]!.replace(/^`|`$/g, "") });
  }
  return rows;
}

describe("error registry", () => {
  it("docs/errors.md lists every code with its status and message, and nothing else", () => {
    const documented = documentedErrors();
    const registry = new Map(Object.entries(ERRORS).map(([code, e]) => [code, { status: e.status, message: e.message }]));
    expect([...documented.keys()].sort()).toEqual([...registry.keys()].sort());
    for (const [code, spec] of registry) expect(documented.get(code), code).toEqual(spec);
  });

  it("formats messages from their templates", () => {
    expect(formatError("TC_ERR_PROTOCOL_VERSION", { agent: 2, server: 1 })).toBe(
      "agent speaks protocol version 2, this server speaks version 1",
    );
    const err = new TelecalError("TC_ERR_UNKNOWN_EVENT", { event: "bogus" });
    expect(err.toBody()).toEqual({ code: "TC_ERR_UNKNOWN_EVENT", message: "unknown event bogus" });
    expect(err.status).toBe(400);
  });
});
