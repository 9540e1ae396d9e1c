// ESLint flat config: typescript-eslint's recommended rules (no type information, so it stays fast)
// and the layer rule for src/ (eslint-plugin-boundaries). `npm run lint` runs it.
import path from "node:path";
import js from "@eslint/js";
import boundaries from "eslint-plugin-boundaries";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

const ROOT = import.meta.dirname;

// The layers of src/: each folder, and the other src/ folders its files may import (a folder may always
// import itself). Lower layers never import higher ones, so an import against the arrows, and with it
// any cycle between folders, is a lint error. A folder missing from this table is an error too.
const INFRA = ["fs", "diagnostics", "async", "text"];
const WIRE = [...INFRA, "meshy", "gltf"];
const MODEL = [...WIRE, "manifest", "config", "lockfile", "actions", "outputs"];
const STATE = [...MODEL, "scan", "merge", "store"];
const PLANNED = [...STATE, "plan"];
const EXECUTED = [...PLANNED, "execute"];
const AROUND = [...EXECUTED, "emulator", "preview", "init"];
const LAYERS = {
  // Infrastructure (files, errors and their text, timing, strings): knows nothing of rigup's domain.
  fs: INFRA,
  diagnostics: INFRA,
  async: INFRA,
  text: INFRA,
  // Meshy's wire format and glTF handling: what the outside world speaks, free of rigup's own model.
  gltf: INFRA,
  // An upload may carry its texture embedded in the GLB (requests.ts).
  meshy: [...INFRA, "gltf"],
  // What the user declares and what rigup records: manifest, config, lockfile, the actions catalogue.
  manifest: WIRE,
  config: WIRE,
  // The lockfile records the request bodies the manifest resolves to.
  lockfile: [...WIRE, "manifest"],
  // Writing an output into the tree: atomic, hashed, never through a symlink out of it.
  outputs: [...WIRE, "manifest"],
  actions: WIRE,
  // Facts about the disk and the team store, and merging outputs: read the model, never plan.
  scan: MODEL,
  merge: MODEL,
  store: MODEL,
  // The plan: a pure decision from the model and the facts.
  plan: STATE,
  // Carrying out a plan: creates tasks at Meshy, then fetches, merges and stores their outputs.
  execute: PLANNED,
  // The fake Meshy server: speaks the wire format and must not borrow the client side's domain.
  emulator: [...WIRE, "actions"],
  // Tooling around a run (the preview page, `rigup init`).
  preview: EXECUTED,
  init: EXECUTED,
  // The commands' use cases (build, check, prune, ...): wire the layers together; no argv, no help text.
  app: AROUND,
  // Renderers of what the use cases return, and of the executor's events and plans.
  report: [...AROUND, "app"],
  // The command line: may use everything.
  cli: [...AROUND, "app", "report"],
};

export default defineConfig(
  {
    ignores: ["dist/", "coverage/", "node_modules/", "schemas/", "examples/**/out/", "examples/**/.rigup/", ".rigup-tmp*"],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, parserOptions: { tsconfigRootDir: ROOT } },
    rules: {
      // `_name` marks a parameter or binding that is there on purpose.
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  {
    // The layer rule: production code under src/ only (tests, bench/ and scripts/ may reach anywhere).
    files: ["src/**/*.ts"],
    ignores: ["src/**/*.test.ts"],
    plugins: { boundaries },
    settings: {
      "boundaries/root-path": ROOT,
      "boundaries/elements": Object.keys(LAYERS).map((folder) => ({ type: folder, pattern: `src/${folder}` })),
      // Imports are written NodeNext-style (`../plan/plan.js` for plan.ts): the TypeScript resolver maps them.
      "import/resolver": { typescript: { project: path.join(ROOT, "tsconfig.json") }, node: true },
    },
    rules: {
      "boundaries/dependencies": [
        "error",
        {
          default: "disallow",
          policies: Object.entries(LAYERS).map(([folder, allowed]) => ({
            from: { element: { type: folder } },
            allow: { to: { element: { type: [folder, ...allowed] } } },
          })),
        },
      ],
      // A file of src/ outside every folder of the table, or an import of one, is an error: place it in a layer.
      "boundaries/no-unknown-files": "error",
      "boundaries/no-unknown-dependencies": "error",
    },
  },
  {
    // Tests, benchmarks and scripts: the same rules, but they match aligned terminal columns and poke at
    // loosely typed JSON.
    files: ["test/**/*.ts", "bench/**/*.ts", "scripts/**/*.ts", "src/**/*.test.ts"],
    rules: {
      "no-regex-spaces": "off",
      // Tests match the terminal's escape codes on purpose.
      "no-control-regex": "off",
      "@typescript-eslint/no-explicit-any": "off",
    },
  },
);
