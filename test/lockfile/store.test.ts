import { describe, expect, it } from "vitest";
import type { FsLike } from "../../src/fs/fs-like.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { LockStore } from "../../src/lockfile/store.js";
import { readLockfileSnapshot } from "../../src/lockfile/read.js";
import { serializeLockfile } from "../../src/lockfile/format.js";
import { emptyLockfile } from "../../src/lockfile/schema.js";
import { rigEntry, animEntry } from "./builders.js";
import { countingFs, memFs } from "./mem-fs.js";

const FILE = "/p/characters.lock";

async function onDisk(fs: FsLike) {
  return parseLockfile(await fs.readFile(FILE, "utf8"), FILE);
}

describe("LockStore", () => {
  it("persists each update before its promise resolves", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    const store = await LockStore.open(FILE, { fs });
    await store.update((lock) => {
      lock.characters.hero = { rig: rigEntry({ state: "intent", task_id: undefined }), animations: {} };
    });
    expect((await onDisk(fs)).characters.hero?.rig).toMatchObject({ state: "intent" });
    await store.update((lock) => {
      lock.characters.hero!.rig!.task_id = "rig-9";
    });
    expect((await onDisk(fs)).characters.hero?.rig?.task_id).toBe("rig-9");
  });

  it("serialises concurrent updates: none lost, each durable when it resolves, fewer writes than updates", async () => {
    const { fs: mem } = memFs({ "/p/.keep": "" });
    const { fs, calls } = countingFs(mem);
    const store = await LockStore.open(FILE, { fs });
    await store.update((lock) => {
      lock.characters.hero = { rig: rigEntry(), animations: {} };
    });
    const names = Array.from({ length: 20 }, (_, i) => `clip-${i}`);
    const seenAtResolve: number[] = [];
    await Promise.all(
      names.map((name) =>
        store
          .update((lock) => {
            lock.characters.hero!.animations[name] = animEntry();
          })
          .then(async () => {
            const disk = await onDisk(mem);
            seenAtResolve.push(name in (disk.characters.hero?.animations ?? {}) ? 1 : 0);
          }),
      ),
    );
    expect(seenAtResolve).toEqual(names.map(() => 1));
    expect(Object.keys((await onDisk(mem)).characters.hero!.animations).sort()).toEqual([...names].sort());
    // 1 write for the rig, then the 20 concurrent updates coalesce into at most 2 writes.
    expect(calls.rename?.length).toBeLessThanOrEqual(3);
  });

  it("writes updates in order (the last one wins on disk)", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    const store = await LockStore.open(FILE, { fs });
    await store.update((lock) => {
      lock.characters.hero = { rig: rigEntry(), animations: {} };
    });
    const statuses = ["PENDING", "IN_PROGRESS", "SUCCEEDED"] as const;
    await Promise.all(statuses.map((status) => store.update((lock) => void (lock.characters.hero!.rig!.status = status))));
    expect((await onDisk(fs)).characters.hero?.rig?.status).toBe("SUCCEEDED");
  });

  it("rejects when the write fails, and the next update still writes everything", async () => {
    const { fs: mem } = memFs({ "/p/.keep": "" });
    let failRename = true;
    const fs = new Proxy(mem, {
      get: (t, prop) =>
        prop === "rename" && failRename
          ? async () => Promise.reject(Object.assign(new Error("EIO"), { code: "EIO" }))
          : Reflect.get(t, prop),
    });
    const store = await LockStore.open(FILE, { fs });
    await expect(
      store.update((lock) => {
        lock.characters.hero = { rig: rigEntry({ task_id: "rig-0" }), animations: {} };
      }),
    ).rejects.toThrow("EIO");
    failRename = false;
    await store.update((lock) => void (lock.characters.hero!.rig!.task_id = "rig-1"));
    expect((await onDisk(mem)).characters.hero?.rig?.task_id).toBe("rig-1");
  });

  it("reopened with the text it was read from: the earlier lockfile, copied, not parsed again; changed text is parsed", async () => {
    const lock = emptyLockfile();
    lock.characters.hero = { rig: rigEntry({ task_id: "rig-1" }), animations: {} };
    const text = serializeLockfile(lock);
    const { fs } = memFs({ [FILE]: text });
    const first = await readLockfileSnapshot(FILE, { fs });
    expect(first).toEqual({ text, lock });
    // A lockfile the text does not say: only one taken without parsing comes back with it.
    const marked = structuredClone(lock);
    marked.characters.hero!.rig!.task_id = "not-parsed";
    const same = await LockStore.open(FILE, { fs, previous: { text, lock: marked } });
    expect(same.lock.characters.hero?.rig?.task_id).toBe("not-parsed");
    expect(same.lock).not.toBe(marked);
    await same.update((l) => {
      l.characters.hero!.rig!.task_id = "rig-2";
    });
    expect(marked.characters.hero?.rig?.task_id).toBe("not-parsed");
    // Another process wrote it since: the new text is read as it is.
    const again = await LockStore.open(FILE, { fs, previous: { text, lock: marked } });
    expect(again.lock.characters.hero?.rig?.task_id).toBe("rig-2");
    // No file then, one now (and the other way round) is a change too.
    expect(
      (await readLockfileSnapshot(FILE, { fs, previous: { text: undefined, lock: emptyLockfile() } })).lock.characters.hero,
    ).toBeDefined();
    const { fs: empty } = memFs({ "/p/.keep": "" });
    expect(await readLockfileSnapshot(FILE, { fs: empty, previous: first })).toEqual({ text: undefined, lock: emptyLockfile() });
  });
});
