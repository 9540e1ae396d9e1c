/**
 * The split behind `npm run test:fast` (vitest.fast.config.ts): the unit tier
 * keeps out everything that starts a process or a browser, and the two tiers
 * together are the full suite.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { testTiers } from "../../vitest.fast.config.js";

const ROOT = path.join(import.meta.dirname, "../..");

describe("test tiers", () => {
  const { fast, slow } = testTiers();

  it("puts every test file in exactly one tier, this one in the fast tier", () => {
    expect(fast.filter((f) => slow.has(f))).toEqual([]);
    expect(fast).toContain("test/architecture/tiers.test.ts");
    expect(slow.size).toBeGreaterThan(0);
  });

  it("keeps end-to-end, pack, terminal and browser tests out of the fast tier", () => {
    expect(fast.filter((f) => /\.e2e\.test\.ts$|^test\/(pack|tty)\/|^test\/preview\/browser/.test(f))).toEqual([]);
  });

  it("keeps out files that import child_process, Playwright or the spawn helper", () => {
    const direct = fast.filter((f) =>
      /["'](node:)?child_process["']|["']playwright|helpers\/spawn\.js["']/.test(readFileSync(path.join(ROOT, f), "utf8")),
    );
    expect(direct).toEqual([]);
  });
});
