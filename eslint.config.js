// Lint enforces the architecture of DESIGN.md: which package may import which.
import js from "@eslint/js";
import globals from "globals";
import tseslint from "typescript-eslint";

const PACKAGES = ["protocols", "metrology", "agent", "server", "web", "cli"];

/** Forbids imports of the named packages, by package name or by a relative path into them. */
function mayNotImport(files, forbidden, why) {
  return {
    files,
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: `^(@telecal/(${forbidden.join("|")})|(\\.\\./)+(${forbidden.join("|")})/)`,
              message: why,
            },
          ],
        },
      ],
    },
  };
}

export default tseslint.config(
  { ignores: ["**/node_modules/**", "**/dist/**", "data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    files: ["web/**"],
    languageOptions: { globals: { ...globals.browser } },
    // In the browser the console is where a user or support looks for warnings.
    rules: { "no-console": ["error", { allow: ["warn", "error"] }] },
  },
  { files: ["cli/**", "bin/**", "test/**", "bench/**", "scripts/**", "*.config.*"], rules: { "no-console": "off" } },
  mayNotImport(
    ["protocols/**"],
    PACKAGES.filter((p) => p !== "protocols"),
    "protocols/ is the contract: it imports nothing of ours (DESIGN.md).",
  ),
  mayNotImport(
    ["metrology/**"],
    PACKAGES.filter((p) => p !== "protocols" && p !== "metrology"),
    "metrology/ is pure domain: it imports only protocols/ (DESIGN.md).",
  ),
  mayNotImport(["agent/**"], ["server", "web", "cli"], "agent/ and server/ never import each other (DESIGN.md)."),
  mayNotImport(["server/**"], ["agent", "web", "cli"], "agent/ and server/ never import each other (DESIGN.md)."),
  mayNotImport(["web/**"], ["agent", "server", "cli"], "web/ imports only protocols/ and metrology/ (DESIGN.md)."),
);
