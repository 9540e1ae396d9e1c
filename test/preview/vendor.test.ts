import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { THREE_FILES, threeDir } from "../../src/preview/vendor.js";

// Static `import ... from '...'` / `export ... from '...'` specifiers (three's modules use no dynamic imports).
const SPECIFIER = /^\s*(?:import|export)\b[^'"]*?\bfrom\s*['"]([^'"]+)['"]/gm;

describe("the three.js files the page needs", () => {
  it("come from the installed three package", () => {
    const pkg = JSON.parse(readFileSync(path.join(threeDir(), "package.json"), "utf8")) as { name: string };
    expect(pkg.name).toBe("three");
    for (const file of THREE_FILES) expect(existsSync(path.join(threeDir(), file)), file).toBe(true);
  });

  it("are closed under their imports: every relative import is listed, every bare import is `three`", () => {
    const listed = new Set(THREE_FILES);
    const seen: string[] = [];
    for (const file of THREE_FILES) {
      const text = readFileSync(path.join(threeDir(), file), "utf8");
      for (const [, spec] of text.matchAll(SPECIFIER)) {
        seen.push(spec!);
        if (spec === "three") continue;
        expect(spec, `${file} imports ${spec}`).toMatch(/^\.\.?\//);
        expect(listed.has(path.posix.join(path.posix.dirname(file), spec!)), `${file} imports ${spec}`).toBe(true);
      }
    }
    // The scan itself works: it sees the imports we know of.
    expect(seen).toEqual(expect.arrayContaining(["./three.core.js", "three", "../utils/SkeletonUtils.js"]));
  });
});
