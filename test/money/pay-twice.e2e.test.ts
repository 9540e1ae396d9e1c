/**
 * Issue 15, "paying twice": a spawned `rigup build` against a loopback Meshy
 * (the emulator, scripted by request) under a skewed clock, other clients on the
 * same account, and parallel shards. Each ends with every task Meshy made held by
 * exactly one unit, and no unit paid for twice.
 */
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { taskIdsOf } from "../../src/lockfile/units.js";
import { MeshyClient } from "../../src/meshy/client.js";
import type { TaskKind } from "../../src/meshy/schemas.js";
import { expectTreeMatchesLock } from "../helpers/assert.js";
import { TWO_CHARACTERS, tempProject, twoCharacterProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A user cache folder of its own (the machine's task ledger lives there), shared by the runs of one test; removed after it. */
const cacheDir = async () => (await tempProject()).dir;

/** Every task the emulator holds for this key, of both kinds. */
async function meshyTasks(em: Emulator): Promise<{ id: string; kind: TaskKind }[]> {
  const client = new MeshyClient({ baseUrl: em.url, apiKey: em.apiKey });
  try {
    const out: { id: string; kind: TaskKind }[] = [];
    for (const kind of ["rig", "animation"] as const) {
      for (let page = 1; page <= 20; page++) {
        const tasks = await client.listTasks(kind, { pageNum: page, pageSize: 50 });
        out.push(...tasks.map((t) => ({ id: t.id, kind })));
        if (tasks.length < 50) break;
      }
    }
    return out;
  } finally {
    await client.close();
  }
}

describe.each([1, 2] as const)("API v%i", (version) => {
  const createRig = `POST /openapi/v${version}/rigging`;

  it(
    "a local clock 3 minutes ahead of Meshy, with lost create answers: each unit paid once, every paid id recorded",
    { timeout: 120_000 },
    async () => {
      // Meshy's clock 3 minutes behind ours is our clock 3 minutes ahead of it.
      emulator = await startEmulator({ speed: "instant", rateLimit: 0, clockSkewMs: -180_000, seed: 7, faults: { lostPost: 0.5 } });
      const project = await twoCharacterProject();
      const env = {
        MESHY_API_BASE: emulator.url,
        MESHY_API_KEY: emulator.apiKey,
        MESHY_API_VERSION: String(version),
        XDG_CACHE_HOME: await cacheDir(),
      };
      const run = await rigup(["build", "--yes"], { cwd: project.dir, env });
      expect(run.code, run.stderr).toBe(0);
      const stats = emulator.stats();
      expect(stats.faults["lost-answer"]).toBeGreaterThan(0);
      expect(stats.tasksCreated).toEqual(TWO_CHARACTERS.units);
      expect(Math.max(...Object.values(stats.tasksByInput))).toBe(1);
      const lock = await readLockfile(join(project.dir, "characters.lock"));
      expect([...taskIdsOf(lock)].sort()).toEqual((await meshyTasks(emulator)).map((t) => t.id).sort());
      await expectTreeMatchesLock(project.dir, lock);
      expect(run.stderr).not.toMatch(/created nothing/);
    },
  );

  it(
    "never adopts another client's task: a 500 on our create, a rig made by someone else just before it",
    { timeout: 60_000 },
    async () => {
      emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
      const project = await tempProject({
        "characters.yaml": "version: 1\ncharacters:\n  knight: { model: models/knight.glb, actions: [0] }\n",
      });
      await project.model("models/knight.glb");
      await project.model("models/goblin.glb", 1.1);
      // A teammate's tool on the same key rigs a goblin...
      const teammate = new MeshyClient({ baseUrl: emulator.url, apiKey: emulator.apiKey, apiVersion: version });
      const goblinRig = await teammate.createRig({
        source: { kind: "file", path: join(project.dir, "models/goblin.glb"), mime: "model/gltf-binary" },
        heightMeters: 1.1,
      });
      await teammate.close();
      // ...10 s of Meshy's time before our build, whose first create is answered 500 and creates nothing.
      emulator.advanceClock(10_000);
      emulator.setFaults({ script: [{ match: createRig, nth: 1, fault: "500" }] });
      const env = {
        MESHY_API_BASE: emulator.url,
        MESHY_API_KEY: emulator.apiKey,
        MESHY_API_VERSION: String(version),
        XDG_CACHE_HOME: await cacheDir(),
      };
      const run = await rigup(["build", "--yes"], { cwd: project.dir, env });
      expect(run.code, run.stderr).toBe(0);
      const lock = await readLockfile(join(project.dir, "characters.lock"));
      expect(lock.characters.knight!.rig!.task_id).not.toBe(goblinRig);
      expect(taskIdsOf(lock).has(goblinRig)).toBe(false);
      // The goblin's rig and ours: our create was sent twice, the first made nothing.
      expect(emulator.stats().faults["500"]).toBe(1);
      expect(emulator.stats().tasksCreated).toEqual({ rig: 2, animation: 1 });
    },
  );

  it(
    "a create refused 404 (its rig was deleted) withdraws its intent: a teammate's animation is never adopted later",
    { timeout: 90_000 },
    async () => {
      emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
      const manifest = (actions: string) => `version: 1\ncharacters:\n  knight: { model: models/knight.glb, actions: ${actions} }\n`;
      const project = await tempProject({ "characters.yaml": manifest("[0]") });
      await project.model("models/knight.glb");
      const env = {
        MESHY_API_BASE: emulator.url,
        MESHY_API_KEY: emulator.apiKey,
        MESHY_API_VERSION: String(version),
        XDG_CACHE_HOME: await cacheDir(),
      };
      expect((await rigup(["build", "--yes"], { cwd: project.dir, env })).code).toBe(0);
      const rigId = (await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.rig!.task_id!;

      // Meshy deletes the rig early; the user adds an action: the clip's create is answered 404.
      const teammate = new MeshyClient({ baseUrl: emulator.url, apiKey: emulator.apiKey });
      await teammate.deleteTask("rig", rigId);
      await project.write("characters.yaml", manifest("[0, 4]"));
      const refused = await rigup(["build", "--yes"], { cwd: project.dir, env });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/rig task .* is gone/);
      const after = await readLockfile(join(project.dir, "characters.lock"));
      expect(after.characters.knight!.animations["action-4"]).toBeUndefined();
      expect(after.characters.knight!.rig).toMatchObject({ task_id: rigId, gone_at: expect.any(Number) });

      // A teammate makes an animation on their own rig; our next plan re-rigs (paid, said so) and adopts nothing.
      const theirRig = await teammate.createRig({
        source: { kind: "file", path: join(project.dir, "models/knight.glb"), mime: "model/gltf-binary" },
        heightMeters: 1.5,
      });
      await teammate.waitForTask("rig", theirRig);
      const theirClip = await teammate.createAnimation({ rigTaskId: theirRig, actionId: 4 });
      await teammate.close();
      const plan = await rigup(["plan", "--json"], { cwd: project.dir, env });
      const steps = (JSON.parse(plan.stdout) as { steps: { key: string; action: string; reasons: string[] }[] }).steps;
      expect(steps.find((s) => s.key === "knight/animations/action-4")?.action).toBe("create");
      expect(steps.find((s) => s.key === "knight/rig")).toMatchObject({ action: "replace" });
      expect(steps.find((s) => s.key === "knight/rig")!.reasons.join(" ")).toMatch(/live rig/);
      const rebuilt = await rigup(["build", "--yes"], { cwd: project.dir, env });
      expect(rebuilt.code, rebuilt.stderr).toBe(0);
      const final = await readLockfile(join(project.dir, "characters.lock"));
      expect(taskIdsOf(final).has(theirClip)).toBe(false);
      expect(taskIdsOf(final).has(theirRig)).toBe(false);
      expect(taskIdsOf(final).has(rigId)).toBe(true);
    },
  );

  it(
    "two --shard jobs on one key, one 5xx on a create: neither takes the other's tasks, neither is blocked",
    { timeout: 120_000 },
    async () => {
      emulator = await startEmulator({ speed: "instant", rigMs: 300, animationMs: 300, rateLimit: 0 });
      const names = ["hero", "goblin", "mage", "knight", "archer", "zombie"];
      const manifest = ["version: 1", "characters:", ...names.map((n) => `  ${n}: { model: models/${n}.glb, actions: [0, 4] }`), ""].join(
        "\n",
      );
      const a = await tempProject({ "characters.yaml": manifest });
      for (const n of names) await a.model(`models/${n}.glb`);
      const b = await tempProject({});
      await cp(a.dir, b.dir, { recursive: true });
      // The third rig create of the account is answered 500 (and creates nothing), mid-way through both shards' work.
      emulator.setFaults({ script: [{ match: createRig, nth: 3, fault: "500" }] });
      const env = {
        MESHY_API_BASE: emulator.url,
        MESHY_API_KEY: emulator.apiKey,
        MESHY_API_VERSION: String(version),
        XDG_CACHE_HOME: await cacheDir(),
      };
      const [one, two] = await Promise.all([
        rigup(["build", "--yes", "--shard", "1/2"], { cwd: a.dir, env }),
        rigup(["build", "--yes", "--shard", "2/2"], { cwd: b.dir, env }),
      ]);
      expect(emulator.stats().faults["500"], one.stderr + two.stderr).toBe(1);
      expect(one.code, one.stderr).toBe(0);
      expect(two.code, two.stderr).toBe(0);
      const ids = [
        ...taskIdsOf(await readLockfile(join(a.dir, "characters.lock"))),
        ...taskIdsOf(await readLockfile(join(b.dir, "characters.lock"))),
      ];
      // Every task Meshy made is held by exactly one shard.
      expect(ids.sort()).toEqual((await meshyTasks(emulator)).map((t) => t.id).sort());
      expect(emulator.stats().tasksCreated).toEqual({ rig: 6, animation: 12 });
    },
  );
});
