/** The write-ahead journal: what each step of a unit's life leaves in the lockfile on disk. */
import { describe, expect, it } from "vitest";
import { lockJournal } from "../../src/execute/journal.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { LockStore } from "../../src/lockfile/store.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import type { Task } from "../../src/meshy/schemas.js";
import type { PlanStep } from "../../src/plan/types.js";
import { digestOf } from "../../src/text/canonical-json.js";
import { animEntry, lockOf, rigEntry, sha } from "../lockfile/builders.js";
import { memFs } from "../lockfile/mem-fs.js";

const FILE = "/p/characters.lock";
const rigStep = (height = 1.9): PlanStep => {
  const inputs = { ...rigEntry().inputs, height_meters: height };
  return {
    key: "hero/rig",
    character: "hero",
    kind: "rig",
    action: "replace",
    reasons: [],
    credits: 5,
    missing: [],
    digest: digestOf(inputs),
    inputs,
  };
};
const clipStep: PlanStep = {
  key: "hero/animations/walk",
  character: "hero",
  kind: "animation",
  name: "walk",
  action: "create",
  reasons: [],
  credits: 3,
  missing: [],
  digest: digestOf({ action_id: 1, post_process: null }),
  inputs: { action_id: 1, post_process: null },
};
const task = (over: Partial<Task> = {}): Task =>
  ({ id: "t-1", status: "SUCCEEDED", progress: 100, created_at: 10, finished_at: 20, expires_at: 30, ...over }) as Task;

async function open(lock = lockOf({})) {
  const { fs } = memFs({ "/p/.keep": "" });
  await writeLockfile(FILE, lock, { fs });
  const store = await LockStore.open(FILE, { fs });
  const disk = async () => parseLockfile(await fs.readFile(FILE, "utf8"), FILE);
  return { journal: lockJournal(store), disk };
}

describe("lockJournal", () => {
  it("intent → created → finished → file, each on disk when it resolves", async () => {
    const { journal, disk } = await open();
    await journal.intent(rigStep(), 5_000, { onMeshyClock: true });
    expect((await disk()).characters.hero?.rig).toMatchObject({ state: "intent", intent_at: 5_000, intent_clock: "meshy", files: {} });
    await journal.created(rigStep(), "rig-9");
    expect((await disk()).characters.hero?.rig).toMatchObject({ state: "pending", task_id: "rig-9" });
    await journal.finished(rigStep(), task({ id: "rig-9" }), 5);
    expect((await disk()).characters.hero?.rig).toMatchObject({ state: "succeeded", status: "SUCCEEDED", credits: 5, expires_at: 30 });
    await journal.file(rigStep(), "glb", { path: "hero/rig/hero.glb", size: 3, sha256: sha("f") });
    expect((await disk()).characters.hero?.rig?.files.glb).toEqual({ path: "hero/rig/hero.glb", size: 3, sha256: sha("f") });
  });

  it("moves the previous task into history on a new intent, most recent first, every id kept", async () => {
    const history = Array.from({ length: 30 }, (_, i) => ({ task_id: `old-${i}`, digest: sha("o") }));
    const { journal, disk } = await open(lockOf({ hero: { rig: rigEntry({ task_id: "rig-1", created_at: 7, history }) } }));
    await journal.intent(rigStep(), 9, { onMeshyClock: false });
    const rig = (await disk()).characters.hero!.rig!;
    expect(rig.task_id).toBeUndefined();
    expect(rig.history?.map((h) => h.task_id)).toEqual(["rig-1", ...history.map((h) => h.task_id)]);
    expect(journal.knownTaskIds().has("rig-1")).toBe(true);
  });

  it("withdraw restores what the entry was before the intent (the POST created nothing)", async () => {
    const before = rigEntry({ task_id: "rig-1" });
    const { journal, disk } = await open(lockOf({ hero: { rig: before } }));
    await journal.intent(rigStep(), 9, { onMeshyClock: false });
    await journal.withdraw(rigStep());
    expect((await disk()).characters.hero?.rig).toEqual(before);
  });

  it("withdraw restores the prior entry in a later run too: the intent carries it, not the process", async () => {
    const before = rigEntry({ task_id: "rig-1", history: [{ task_id: "rig-0", digest: sha("o") }] });
    const first = await open(lockOf({ hero: { rig: before } }));
    await first.journal.intent(rigStep(), 9, { onMeshyClock: true });
    await first.journal.unknown(rigStep());
    // A new process: a fresh journal over what is on disk.
    const onDisk = await first.disk();
    expect(onDisk.characters.hero?.rig).toMatchObject({ state: "unknown", prior: { task_id: "rig-1" } });
    const second = await open(onDisk);
    await second.journal.withdraw(rigStep());
    expect((await second.disk()).characters.hero?.rig).toEqual(before);
  });

  it("a repeated intent (a lost answer sent again) keeps the first prior; created drops it", async () => {
    const before = rigEntry({ task_id: "rig-1" });
    const { journal, disk } = await open(lockOf({ hero: { rig: before } }));
    await journal.intent(rigStep(), 9, { onMeshyClock: true });
    await journal.intent(rigStep(), 10, { onMeshyClock: true });
    expect((await disk()).characters.hero?.rig?.prior?.task_id).toBe("rig-1");
    await journal.created(rigStep(), "rig-2");
    const rig = (await disk()).characters.hero!.rig!;
    expect(rig.prior).toBeUndefined();
    expect(rig.history?.map((h) => h.task_id)).toEqual(["rig-1"]);
  });

  it("gone marks the current task or a past one, never forgetting the id", async () => {
    const past = { task_id: "rig-0", digest: sha("o"), expires_at: 99 };
    const { journal, disk } = await open(lockOf({ hero: { rig: rigEntry({ task_id: "rig-1", history: [past] }) } }));
    await journal.gone(rigStep(), "rig-1", 50);
    await journal.gone(rigStep(), "rig-0", 60);
    const rig = (await disk()).characters.hero!.rig!;
    expect(rig).toMatchObject({ task_id: "rig-1", gone_at: 50 });
    expect(rig.history).toEqual([{ ...past, gone_at: 60 }]);
  });

  it("withdraw of a brand-new unit removes it again", async () => {
    const { journal, disk } = await open();
    await journal.intent(clipStep, 9, { rigTaskId: "rig-1", onMeshyClock: true });
    expect((await disk()).characters.hero?.animations.walk?.rig_task_id).toBe("rig-1");
    await journal.withdraw(clipStep);
    expect((await disk()).characters).toEqual({});
  });

  it("records a refusal or failure with Meshy's message and keeps the task id", async () => {
    const { journal, disk } = await open();
    await journal.intent(clipStep, 1, { rigTaskId: "rig-1", onMeshyClock: true });
    await journal.created(clipStep, "a-1");
    await journal.finished(clipStep, task({ id: "a-1", status: "FAILED", task_error: { message: "no humanoid" } }), 0);
    expect((await disk()).characters.hero?.animations.walk).toMatchObject({
      state: "failed",
      task_id: "a-1",
      credits: 0,
      error: { code: "FAILED", message: "no humanoid" },
    });
  });

  it("reuse makes a live task from history current, keeping the replaced one in history", async () => {
    const past = { task_id: "a-old", digest: sha("walk"), rig_task_id: "rig-1", expires_at: 99, credits: 3 };
    const { journal, disk } = await open(lockOf({ hero: { animations: { walk: animEntry({ task_id: "a-new", history: [past] }) } } }));
    await journal.reuse(clipStep, task({ id: "a-old" }));
    const walk = (await disk()).characters.hero!.animations.walk!;
    expect(walk).toMatchObject({ task_id: "a-old", state: "succeeded", rig_task_id: "rig-1", credits: 3, files: {} });
    expect(walk.history?.map((h) => h.task_id)).toEqual(["a-new"]);
  });

  it("marks roles the result did not offer as unavailable, sorted and deduplicated", async () => {
    const { journal, disk } = await open(lockOf({ hero: { rig: rigEntry() } }));
    await journal.unavailable(rigStep(), ["walking.fbx", "glb"]);
    await journal.unavailable(rigStep(), ["glb"]);
    expect((await disk()).characters.hero?.rig?.unavailable).toEqual(["glb", "walking.fbx"]);
  });
});
