/**
 * Restoring from the store, at the seam: a transfer cut midway is tried again and
 * leaves no partial file; a wrong copy is refused at once and names the store's key;
 * a copy the store lacks stops its unit as not run, for `rigup build`.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, it } from "vitest";
import { StoreLink } from "../../src/execute/store-link.js";
import type { ObjectStore } from "../../src/store/object-store.js";
import { tempProject } from "../helpers/project.js";

const GLB = Buffer.concat([Buffer.from("glTF"), Buffer.alloc(4096, 7)]);
const sha256 = (b: Buffer) => createHash("sha256").update(b).digest("hex");

/** A store holding `bytes` whose first `cuts` reads break after 1 KB. */
function flakyStore(bytes: Buffer, cuts: number): ObjectStore & { gets: number } {
  const store = {
    label: "fake://store",
    atomicCreate: true,
    gets: 0,
    head: async () => ({ key: "", size: bytes.length }),
    async get() {
      const n = ++store.gets;
      async function* body() {
        yield bytes.subarray(0, 1024);
        if (n <= cuts) throw Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
        yield bytes.subarray(1024);
      }
      return { size: bytes.length, body: body() };
    },
    put: async () => true,
    delete: async () => {},
    async *list() {},
    close: async () => {},
  };
  return store;
}

async function restoreWith(store: ObjectStore, expected: Buffer, outDir?: string) {
  const project = await tempProject();
  const out = outDir ?? join(project.dir, "out");
  if (!outDir) await mkdir(out);
  const link = new StoreLink({
    store,
    target: "meshy",
    lockfile: join(project.dir, "characters.lock"),
    emit: () => {},
    now: Date.now,
    sleep: async () => {},
  });
  const abs = join(out, "knight", "rig", "knight.glb");
  const run = link.restore(
    { sha256: sha256(expected), size: expected.length },
    out,
    { abs, path: "knight/rig/knight.glb", format: "glb" },
    { signal: new AbortController().signal },
  );
  return { run, abs, dir: join(out, "knight", "rig") };
}

it("a transfer cut midway is tried again, and the file lands whole", async () => {
  const store = flakyStore(GLB, 2);
  const { run, abs, dir } = await restoreWith(store, GLB);
  await expect(run).resolves.toMatchObject({ size: GLB.length, sha256: sha256(GLB) });
  expect(store.gets).toBe(3);
  expect(await readFile(abs)).toEqual(GLB);
  expect(await readdir(dir)).toEqual(["knight.glb"]);
});

it("cut on every try: fails after 3, with no partial file left in out/", async () => {
  const store = flakyStore(GLB, 99);
  const { run, dir } = await restoreWith(store, GLB);
  await expect(run).rejects.toThrow(/socket hang up/);
  expect(store.gets).toBe(3);
  expect(await readdir(dir)).toEqual([]);
});

it("a copy whose bytes differ from the record is refused at once, naming the store and key", async () => {
  const store = flakyStore(GLB, 0);
  const other = Buffer.concat([Buffer.from("glTF"), Buffer.alloc(4096, 8)]);
  const { run, dir } = await restoreWith(store, other);
  await expect(run).rejects.toThrow(
    new RegExp(
      `store's copy of knight/rig/knight.glb \\(fake://store/objects/sha256/${sha256(other).slice(0, 2)}/${sha256(other)}\\) is corrupted`,
    ),
  );
  expect(store.gets).toBe(1);
  expect(await readdir(dir)).toEqual([]);
});

it("a restore refused before its first byte (a symlink out of out/) gives the body back at once", async () => {
  let released = 0;
  let gets = 0;
  const store: ObjectStore = {
    ...flakyStore(GLB, 0),
    async get() {
      gets++;
      // A body that only counts being given up: nothing reads it when the write is refused first.
      const body = {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: true as const, value: undefined }),
          return: async () => {
            released++;
            return { done: true as const, value: undefined };
          },
        }),
      };
      return { size: GLB.length, body };
    },
  };
  const project = await tempProject();
  const out = join(project.dir, "out");
  await mkdir(out);
  const elsewhere = await mkdtemp(join(tmpdir(), "rigup-elsewhere-"));
  await symlink(elsewhere, join(out, "knight"));
  const { run } = await restoreWith(store, GLB, out);
  await expect(run).rejects.toThrow(/outside the output folder/);
  // Every body handed out (one per try) was given back.
  expect(gets).toBeGreaterThan(0);
  expect(released).toBe(gets);
  expect(await readdir(elsewhere)).toEqual([]);
});

it("a copy the store does not have: the unit stops as not run (NOT_IN_STORE) after one GET, and nothing is written", async () => {
  const store: ObjectStore & { gets: number } = Object.assign(flakyStore(GLB, 0), { gets: 0 });
  store.get = async () => {
    store.gets++;
    return undefined;
  };
  const { run, dir } = await restoreWith(store, GLB);
  await expect(run).rejects.toMatchObject({
    outcome: "blocked",
    code: "NOT_IN_STORE",
    message: expect.stringMatching(/^fake:\/\/store has no copy of knight\/rig\/knight\.glb \(objects\/sha256\/.+\); `rigup push`/),
  });
  expect(store.gets).toBe(1);
  await expect(readdir(dir)).rejects.toMatchObject({ code: "ENOENT" });
});
