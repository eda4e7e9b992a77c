// Lint enforces the architecture of DESIGN.md (which package may import which, no import cycles, no
// reaching into another package's files by relative path) and is type-aware, so a promise nobody
// awaits or a switch that misses a case of a union is an error, not a review comment.
import js from "@eslint/js";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import globals from "globals";
import tseslint from "typescript-eslint";

const PACKAGES = ["protocols", "metrology", "agent", "server", "web", "cli"];

/**
 * Forbids imports of the named packages, by package name or by a relative path into them.
 * @param {string[]} files @param {string[]} forbidden @param {string} why
 */
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
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: { ...globals.node },
      parserOptions: {
        // Each file is checked with the tsconfig that builds it (web/ has its own); the few scripts
        // that no tsconfig includes get the default project (scripts/stamp.js is in the root one: a test imports it).
        projectService: { allowDefaultProject: ["bin/*.js", "scripts/build-*.js", "eslint.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { "import-x": importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      "import-x/resolver": undefined,
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: ["tsconfig.json", "web/tsconfig.json"], noWarnOnMultipleProjects: true })],
    },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "import-x/no-cycle": "error",
      // A package is entered through its exports (`@telecal/server/store/db`), never `../../server/src/`.
      "import-x/no-relative-packages": "error",
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
  {
    // One concept per file: a source file past 300 lines holds more than one (split it by concept).
    // Tests and benchmarks, which read as scenarios, are not held to it.
    files: ["protocols/src/**", "metrology/src/**", "agent/src/**", "server/src/**", "web/src/**", "cli/**"],
    rules: { "max-lines": ["error", { max: 300 }] },
  },
  {
    files: ["server/src/http/**"],
    // Fastify's plugin, hook and handler contracts are async functions, awaited or not inside.
    rules: { "@typescript-eslint/require-await": "off" },
  },
  {
    files: ["test/**"],
    rules: {
      // Fakes and suite hooks implement async interfaces; most have nothing to await.
      "@typescript-eslint/require-await": "off",
      // vitest's asymmetric matchers (expect.any, expect.stringContaining, ...) are typed `any` so that
      // they fit any field of an expected object; member access, calls and arguments stay checked.
      "@typescript-eslint/no-unsafe-assignment": "off",
    },
  },
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
