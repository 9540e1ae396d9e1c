import { describe, expect, it } from "vitest";
import type { FsLike } from "../../src/lockfile/fs.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { HISTORY_LIMIT } from "../../src/lockfile/schema.js";
import { LockStore } from "../../src/lockfile/store.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import { animEntry, lockOf, rigEntry, sha } from "./builders.js";
import { countingFs, memFs } from "./mem-fs.js";

const FILE = "/p/characters.lock";
const rigInputs = rigEntry().inputs;

async function onDisk(fs: FsLike) {
  return parseLockfile(await fs.readFile(FILE, "utf8"), FILE);
}

describe("LockStore", () => {
  it("persists each update before its promise resolves", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    const store = await LockStore.open(FILE, { fs, now: () => 5_000 });
    await store.recordIntent("hero", "rig", undefined, { digest: sha("d"), inputs: rigInputs });
    expect((await onDisk(fs)).characters.hero?.rig).toMatchObject({ state: "intent", intent_at: 5_000, files: {} });
    await store.recordTaskId("hero", "rig", undefined, { task_id: "rig-9", created_at: 5_100 });
    expect((await onDisk(fs)).characters.hero?.rig).toMatchObject({ state: "pending", task_id: "rig-9", created_at: 5_100 });
  });

  it("serialises concurrent updates: none lost, each durable when it resolves, fewer writes than updates", async () => {
    const { fs: mem } = memFs({ "/p/.keep": "" });
    const { fs, calls } = countingFs(mem);
    const store = await LockStore.open(FILE, { fs });
    await store.recordIntent("hero", "rig", undefined, { digest: sha("d"), inputs: rigInputs, intent_at: 1 });
    const names = Array.from({ length: 20 }, (_, i) => `clip-${i}`);
    const seenAtResolve: number[] = [];
    await Promise.all(
      names.map((name) =>
        store
          .recordIntent("hero", "animation", name, { digest: sha("a"), inputs: { action_id: 1, post_process: null }, intent_at: 2 })
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
    await store.recordIntent("hero", "rig", undefined, { digest: sha("d"), inputs: rigInputs, intent_at: 1 });
    const statuses = ["PENDING", "IN_PROGRESS", "SUCCEEDED"] as const;
    await Promise.all(statuses.map((status) => store.recordStatus("hero", "rig", undefined, { status })));
    expect((await onDisk(fs)).characters.hero?.rig).toMatchObject({ status: "SUCCEEDED", state: "succeeded" });
  });

  it("rejects when the write fails, and the next update still writes everything", async () => {
    const { fs: mem } = memFs({ "/p/.keep": "" });
    let failRename = true;
    const fs = new Proxy(mem, {
      get: (t, prop) =>
        prop === "rename" && failRename ? async () => Promise.reject(Object.assign(new Error("EIO"), { code: "EIO" })) : Reflect.get(t, prop),
    });
    const store = await LockStore.open(FILE, { fs });
    await expect(store.recordIntent("hero", "rig", undefined, { digest: sha("d"), inputs: rigInputs, intent_at: 1 })).rejects.toThrow("EIO");
    failRename = false;
    await store.recordTaskId("hero", "rig", undefined, { task_id: "rig-1" });
    expect((await onDisk(mem)).characters.hero?.rig).toMatchObject({ state: "pending", task_id: "rig-1" });
  });

  it("moves the previous task into history on a new intent, most recent first, capped", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    const history = Array.from({ length: HISTORY_LIMIT }, (_, i) => ({ task_id: `old-${i}`, digest: sha("o") }));
    await writeLockfile(FILE, lockOf({ hero: { rig: rigEntry({ task_id: "rig-1", created_at: 7, history }) } }), { fs });
    const store = await LockStore.open(FILE, { fs });
    await store.recordIntent("hero", "rig", undefined, { digest: sha("new"), inputs: rigInputs, intent_at: 9 });
    const rig = (await onDisk(fs)).characters.hero!.rig!;
    expect(rig.task_id).toBeUndefined();
    expect(rig.state).toBe("intent");
    expect(rig.history?.map((h) => h.task_id)).toEqual(["rig-1", ...history.slice(0, HISTORY_LIMIT - 1).map((h) => h.task_id)]);
    expect(rig.history?.[0]).toEqual({ task_id: "rig-1", digest: rigEntry().digest, created_at: 7 });
  });

  it("keeps a replaced task id when recordTaskId adopts a different task", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    await writeLockfile(FILE, lockOf({ hero: { animations: { walk: animEntry({ task_id: "a-1", state: "unknown" }) } } }), { fs });
    const store = await LockStore.open(FILE, { fs });
    await store.recordTaskId("hero", "animation", "walk", { task_id: "a-2" });
    expect((await onDisk(fs)).characters.hero?.animations.walk?.history?.map((h) => h.task_id)).toEqual(["a-1"]);
  });

  it("records files, failures, unknown, and prunes units (and empty characters)", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    await writeLockfile(FILE, lockOf({ hero: { rig: rigEntry(), animations: { walk: animEntry() } } }), { fs });
    const store = await LockStore.open(FILE, { fs });
    await store.recordFile("hero", "rig", undefined, "glb", { path: "hero/rig/hero.glb", size: 3, sha256: sha("f") });
    await store.recordFailure("hero", "animation", "walk", { code: "POSE_FAILED", message: "no humanoid", status: "FAILED" });
    let disk = await onDisk(fs);
    expect(disk.characters.hero?.rig?.files.glb).toEqual({ path: "hero/rig/hero.glb", size: 3, sha256: sha("f") });
    expect(disk.characters.hero?.animations.walk).toMatchObject({ state: "failed", status: "FAILED", error: { code: "POSE_FAILED" } });
    await store.recordUnknown("hero", "rig", undefined);
    expect((await onDisk(fs)).characters.hero?.rig?.state).toBe("unknown");
    await store.removeUnit("hero", "animation", "walk");
    await store.removeUnit("hero", "rig", undefined);
    disk = await onDisk(fs);
    expect(disk.characters).toEqual({});
  });

  it("refuses to record on a unit without an intent (a caller bug)", async () => {
    const { fs } = memFs({ "/p/.keep": "" });
    const store = await LockStore.open(FILE, { fs });
    await expect(store.recordTaskId("ghost", "rig", undefined, { task_id: "x" })).rejects.toThrow(/no lockfile entry for ghost\/rig/);
  });
});
