/**
 * The fast unit tier (`npm run test:fast`): every test file of the full suite
 * (vitest.config.ts, `npm test`) except those that start processes or browsers.
 * The split is worked out from the files themselves, so there is no list to keep:
 * a test file is slow when it is named `*.e2e.test.ts`, lives in a slow folder,
 * or imports, itself or through a helper under test/, `node:child_process`,
 * Playwright or test/helpers/spawn.ts (the CLI as a subprocess).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

const ROOT = import.meta.dirname;
const TEST = path.join(ROOT, "test");

/** Folders (and file prefixes) whose tests need a packed tarball, a terminal or a browser. */
const SLOW_PLACES = ["test/pack/", "test/tty/", "test/preview/browser"];
/** Imports that mean a process or a browser. */
const SLOW_MODULES = /^(node:)?child_process$|^playwright(-core)?$/;
const SPAWN_HELPER = path.join(TEST, "helpers/spawn.ts");

const IMPORT = /\b(?:from|import)\s*\(?\s*["']([^"']+)["']/g;

/** Why a test file (or a helper it imports) is slow, or undefined when it is a unit test. */
function slowReason(file: string, seen = new Set<string>()): string | undefined {
  if (seen.has(file)) return undefined;
  seen.add(file);
  if (file === SPAWN_HELPER) return "runs the CLI as a subprocess";
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined; // not a file under test/ (vitest reports a broken import itself)
  }
  for (const [, spec] of text.matchAll(IMPORT)) {
    if (spec === undefined) continue;
    if (SLOW_MODULES.test(spec)) return `imports ${spec}`;
    if (!spec.startsWith(".")) continue;
    const target = path.resolve(path.dirname(file), spec.replace(/\.js$/, ".ts"));
    if (!target.startsWith(TEST + path.sep)) continue; // src/ is what is under test, not how
    const why = slowReason(target, seen);
    if (why) return why;
  }
  return undefined;
}

/** The test files of the full suite, split into the unit tier and the rest (relative paths, sorted). */
export function testTiers(): { fast: string[]; slow: Map<string, string> } {
  const all = readdirSync(TEST, { recursive: true, encoding: "utf8" })
    .map((f) => `test/${f.split(path.sep).join("/")}`)
    .filter((f) => f.endsWith(".test.ts"))
    .sort();
  const fast: string[] = [];
  const slow = new Map<string, string>();
  for (const f of all) {
    const why = f.endsWith(".e2e.test.ts")
      ? "end-to-end (*.e2e.test.ts)"
      : SLOW_PLACES.some((p) => f.startsWith(p))
        ? "in a slow folder"
        : slowReason(path.join(ROOT, f));
    if (why) slow.set(f, why);
    else fast.push(f);
  }
  return { fast, slow };
}

// Not mergeConfig: it would append to the full suite's `include` instead of replacing it.
export default defineConfig({ ...base, test: { ...base.test, include: testTiers().fast } });
