import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isInside, resolveInsideOut } from "../../src/fs/inside-out.js";
import { displayDir } from "../../src/report/reporter.js";

// The one "inside a folder" check (fs/inside-out.ts), used by the output guard, the
// preview, and how reporters show paths.
describe("isInside", () => {
  it.each([
    ["/p/out", "/p/out/a.glb", true],
    ["/p/out", "/p/out/k/rig/a.glb", true],
    ["/p/out", "/p/out/..a.glb", true],
    ["/p/out", "/p/out", false],
    ["/p/out", "/p", false],
    ["/p/out", "/p/outer/a.glb", false],
    ["/p/out", "/p/out/../x", false],
    ["/p/out", "/q/a.glb", false],
  ])("isInside(%s, %s) = %s", (dir, abs, expected) => {
    expect(isInside(dir, abs)).toBe(expected);
  });

  it("displayDir shows a folder relative when inside the working folder, else absolute", () => {
    expect(displayDir("/p", "/p/out")).toBe("out/");
    expect(displayDir("/p", "/p")).toBe("./");
    expect(displayDir("/p", "/q/out")).toBe("/q/out/");
    expect(displayDir("/p/a", "/p")).toBe("/p/");
  });
});

describe("resolveInsideOut", () => {
  let root: string;
  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), "rigup-inside-"));
    await mkdir(path.join(root, "out", "k"), { recursive: true });
    await mkdir(path.join(root, "elsewhere"));
    await writeFile(path.join(root, "out", "k", "a.glb"), "x");
    await symlink(path.join(root, "elsewhere"), path.join(root, "out", "away"));
    await symlink(path.join(root, "out", "k"), path.join(root, "out", "here"));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("follows symlinks and refuses what leads out", async () => {
    const out = path.join(root, "out");
    expect(await resolveInsideOut(out, "k/a.glb")).toBe(path.join(out, "k", "a.glb"));
    expect(await resolveInsideOut(out, "k/not-yet/b.glb")).toBe(path.join(out, "k", "not-yet", "b.glb"));
    expect(await resolveInsideOut(out, "here/a.glb")).toBe(path.join(out, "here", "a.glb"));
    expect(await resolveInsideOut(out, "away/a.glb")).toBeUndefined();
    expect(await resolveInsideOut(out, "../elsewhere/a.glb")).toBeUndefined();
    expect(await resolveInsideOut(out, "/etc/passwd")).toBeUndefined();
  });
});
