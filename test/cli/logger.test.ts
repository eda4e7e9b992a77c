import { describe, expect, it } from "vitest";
import { logFormatOf } from "../../cli/logger";

describe("the CLI's log format", () => {
  it("is readable lines on a terminal and JSON elsewhere, unless --log-format or TELECAL_LOG_FORMAT says", () => {
    expect(logFormatOf(undefined, {}, true)).toBe("pretty");
    expect(logFormatOf(undefined, {}, false)).toBe("json");
    expect(logFormatOf("json", {}, true)).toBe("json");
    expect(logFormatOf(undefined, { TELECAL_LOG_FORMAT: "json" }, true)).toBe("json");
    expect(logFormatOf("pretty", { TELECAL_LOG_FORMAT: "json" }, false)).toBe("pretty");
    expect(() => logFormatOf("xml", {}, true)).toThrow("--log-format xml: give pretty or json");
  });
});
