import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic, writeFileAtomicSync } from "../../src/fs/atomic-write.js";

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
