/**
 * The package carries no install-time script (issue 10, item 10): a consumer's
 * `npm install` would warn about it, and `prepare` would try to build. Yet a
 * clean clone still runs the README's in-repo commands: `npm ci` builds
 * nothing, and `npx rigup` (bin/rigup.js) runs the sources.
 */
import { access, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sh, sourceCopy } from "./source.js";

const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare", "preprepare", "postprepare"];

describe("no install script", () => {
  it("the packed package.json has no install-time script and its bin is packed", { timeout: 120_000 }, async () => {
    const src = await sourceCopy({ linkModules: true });
    // Only package.json matters here: skip prepack's TypeScript build.
    const packed = await sh("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", src], src);
    expect(packed.code, packed.stderr).toBe(0);
    const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const manifest = await sh("tar", ["-xzOf", info.filename, "package/package.json"], src);
    const pkg = JSON.parse(manifest.stdout) as { bin: Record<string, string>; scripts: Record<string, string> };
    expect(Object.keys(pkg.scripts).filter((s) => INSTALL_SCRIPTS.includes(s))).toEqual([]);
    expect(info.files.map((f) => f.path)).toContain(pkg.bin.rigup);
  });

  it("a clean clone: `npm ci` builds nothing, and `cd examples && npx rigup build --emulator` works", { timeout: 240_000 }, async () => {
    const clone = await sourceCopy({ extra: ["examples"] });
    const ci = await sh("npm", ["ci", "--prefer-offline", "--no-audit", "--no-fund"], clone);
    expect(ci.code, ci.stderr).toBe(0);
    await expect(access(join(clone, "dist"))).rejects.toThrow();

    const build = await sh("npx", ["--no-install", "rigup", "build", "--emulator"], join(clone, "examples"));
    expect(build.code, build.stderr).toBe(0);
    expect(build.stderr).toMatch(/Done: 14 created/);
    expect(await readFile(join(clone, "examples/out/knight/rig/knight.glb"))).not.toHaveLength(0);
  });
});
