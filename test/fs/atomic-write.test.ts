import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isTempName, tempPathFor, writeFileAtomic, writeFileAtomicSync } from "../../src/fs/atomic-write.js";

// The one whole-file atomic write (fs/atomic-write.ts), async and sync: the lockfile,
// caches, the check snapshot and the emulator's state all go through it.
describe.each([
  ["writeFileAtomic", (file: string, data: string) => writeFileAtomic(file, data)],
  ["writeFileAtomicSync", async (file: string, data: string) => writeFileAtomicSync(file, data)],
])("%s", (_name, write) => {
  let dir: string;
  beforeEach(async () => void (dir = await mkdtemp(path.join(tmpdir(), "rigup-atomic-"))));
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it("replaces the file and leaves no temp file", async () => {
    const file = path.join(dir, "state.json");
    await writeFile(file, "old");
    await write(file, "new ✓");
    expect(await readFile(file, "utf8")).toBe("new ✓");
    expect(await readdir(dir)).toEqual(["state.json"]);
  });

  it("on failure leaves the target as it was and removes its temp file", async () => {
    const target = path.join(dir, "busy");
    await mkdir(path.join(target, "inside"), { recursive: true });
    await expect(write(target, "x")).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["busy"]);
    expect(await readdir(target)).toEqual(["inside"]);
  });
});

describe("tempPathFor", () => {
  it("names a fresh temp file beside the target each call, one the sweep recognises and a user's file never is", () => {
    const names = Array.from({ length: 5000 }, () => tempPathFor("/p/out/knight/rig/knight.glb"));
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) {
      expect(path.dirname(name)).toBe("/p/out/knight/rig");
      expect(isTempName(path.basename(name))).toBe(true);
    }
    expect(path.basename(names[0]!)).toMatch(new RegExp(`^\\.rigup-tmp-knight\\.glb\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(isTempName(".rigup-tmp-notes.tmp")).toBe(false);
  });
});
