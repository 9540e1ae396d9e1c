import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/fs/atomic-write.js";
import { serializeLockfile } from "../../src/lockfile/format.js";
import type { FsLike } from "../../src/fs/fs-like.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { emptyLockfile } from "../../src/lockfile/schema.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import { lockOf, rigEntry } from "./builders.js";
import { memFs } from "./mem-fs.js";

const OLD = "old content\n";

/** `fs` with some methods replaced. */
function override(fs: FsLike, methods: Partial<FsLike>): FsLike {
  return new Proxy(fs, { get: (t, prop) => (methods as Record<string | symbol, unknown>)[prop] ?? Reflect.get(t, prop) });
}

const fail = (code: string) => Object.assign(new Error(`${code}: injected`), { code });

const FAILURES: Record<string, (fs: FsLike) => FsLike> = {
  rename: (fs) => override(fs, { rename: async () => Promise.reject(fail("EPERM")) }),
  // The disk fills up halfway through the temp file.
  write: (fs) =>
    override(fs, {
      open: async (p, flags) => {
        const handle = await fs.open(p, flags);
        return override(
          handle as unknown as FsLike,
          {
            writeFile: async (data: string) => {
              await handle.writeFile(data.slice(0, 3));
              throw fail("ENOSPC");
            },
          } as Partial<FsLike>,
        ) as unknown as typeof handle;
      },
    }),
};

describe("writeFileAtomic", () => {
  it.each(Object.keys(FAILURES))("keeps the old file and leaves no temp file when %s fails midway", async (failure) => {
    const { vol, fs } = memFs({ "/p/characters.lock": OLD });
    await expect(writeFileAtomic("/p/characters.lock", "new content\n", { fs: FAILURES[failure]!(fs) })).rejects.toThrow(/EPERM|ENOSPC/);
    expect(vol.toJSON()).toEqual({ "/p/characters.lock": OLD });
  });

  it("writes through a temp file named .rigup-tmp-<name>.<pid>.<random>.tmp in the same directory", async () => {
    const { vol, fs } = memFs({ "/p/characters.lock": OLD });
    const opened: string[] = [];
    const spy = override(fs, { open: (p, flags) => (opened.push(p), fs.open(p, flags)) });
    await writeFileAtomic("/p/characters.lock", "new\n", { fs: spy });
    expect(opened[0]).toMatch(new RegExp(`^/p/\\.rigup-tmp-characters\\.lock\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(vol.toJSON()).toEqual({ "/p/characters.lock": "new\n" });
  });

  describe("on the real file system (fsync of the directory)", () => {
    let dir = "";
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("replaces the file and leaves only it behind", async () => {
      dir = mkdtempSync(path.join(tmpdir(), "rigup-write-"));
      const file = path.join(dir, "characters.lock");
      writeFileSync(file, OLD);
      await writeLockfile(file, lockOf({ hero: { rig: rigEntry() } }));
      expect(readdirSync(dir)).toEqual(["characters.lock"]);
      expect(readFileSync(file, "utf8")).toBe(serializeLockfile(lockOf({ hero: { rig: rigEntry() } })));
      expect(await readLockfile(file)).toEqual(lockOf({ hero: { rig: rigEntry() } }));
    });
  });
});

describe("readLockfile", () => {
  it("reads a missing file as an empty lockfile", async () => {
    const { fs } = memFs();
    expect(await readLockfile("/nope/characters.lock", { fs })).toEqual(emptyLockfile());
  });

  it("reports errors with the file name", async () => {
    const { fs } = memFs({ "/p/characters.lock": '{"lockfile_version":1}\n{oops\n' });
    await expect(readLockfile("/p/characters.lock", { fs })).rejects.toMatchObject({
      code: "LOCKFILE_INVALID",
      diagnostics: [expect.objectContaining({ file: "/p/characters.lock", line: 2 })],
    });
  });
});
