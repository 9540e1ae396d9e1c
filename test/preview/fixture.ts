/**
 * A small output tree built in code (buildHumanoid, no build run), with the
 * manifest, lockfile and plan that go with it. Two characters:
 *   knight: rig, rig/walking, attack (stale: the plan replaces it)
 *   goblin: rig, rig/walking, idle (24 fps), death (failed, no file)
 * `running.glb` is marked unavailable in both rig entries, so it is not listed.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildHumanoid, type ClipSpec } from "../../src/gltf/humanoid.js";
import type { ResolvedManifest } from "../../src/manifest/resolve.js";
import type { Plan, PlanStep } from "../../src/plan/types.js";
import type { PreviewProject } from "../../src/preview/index.js";
import { animEntry, lockOf, rigEntry } from "../lockfile/builders.js";

export interface ExampleTree {
  dir: string;
  outDir: string;
  project: PreviewProject;
  plan: Plan;
  remove(): Promise<void>;
}

export function step(key: string, action: PlanStep["action"], reasons: string[] = [], missing: string[] = []): PlanStep {
  const [character, kind] = key.split("/");
  return { key, character: character!, kind: kind === "rig" ? "rig" : "animation", action, reasons, credits: 0, missing };
}

export function planOf(steps: PlanStep[]): Plan {
  const summary = { create: 0, replace: 0, restore: 0, download: 0, resume: 0, reconcile: 0, prune: 0, noop: 0, merge: 0, credits: 0 };
  for (const s of steps) summary[s.action]++;
  return { now: 0, steps, merges: [], summary, warnings: [] };
}

export function manifestOf(characters: Record<string, string[]>): ResolvedManifest {
  return {
    formats: ["glb", "fbx"],
    characters: Object.entries(characters).map(([name, actions]) => ({
      name,
      source: { kind: "file" as const, path: `models/${name}.glb` },
      heightMeters: 1.7,
      texture: null,
      actions: actions.map((a, i) => ({ name: a, actionId: i, postProcess: null })),
    })),
  };
}

export const STALE_REASON = "action_id changed: 4 → 5";
export const FAILED_MESSAGE = "The pose could not be estimated";

export async function exampleTree(): Promise<ExampleTree> {
  const dir = await mkdtemp(path.join(tmpdir(), "rigup-preview-"));
  const outDir = path.join(dir, "out");
  const write = async (rel: string, bytes: Uint8Array) => {
    await mkdir(path.dirname(path.join(outDir, rel)), { recursive: true });
    await writeFile(path.join(outDir, rel), bytes);
  };
  // Same seed as the rig: the same skeleton with the same node names, as a real rig's clips have.
  const humanoid = (name: string, heightMeters: number, clip?: ClipSpec) =>
    buildHumanoid({ heightMeters, seed: name, skinned: true, clip });
  const characters = { knight: { height: 1.8, clips: { attack: 1.6 } }, goblin: { height: 1.1, clips: { idle: 2 } } };
  for (const [name, c] of Object.entries(characters)) {
    await write(`${name}/rig/${name}.glb`, await humanoid(name, c.height));
    await write(`${name}/rig/walking.glb`, await humanoid(name, c.height, { name: "Walking", durationSec: 1.1, fps: 30 }));
  }
  await write(
    "knight/animations/attack.glb",
    await humanoid("knight", 1.8, { name: "Attack", durationSec: 1.6, fps: 30, motion: "attack" }),
  );
  await write("goblin/animations/idle.glb", await humanoid("goblin", 1.1, { name: "Idle", durationSec: 2, fps: 24, motion: "idle" }));

  const unavailable = ["running.glb", "running.fbx", "running.armature.glb"];
  const lock = lockOf({
    knight: { rig: rigEntry({ unavailable }), animations: { attack: animEntry() } },
    goblin: {
      rig: rigEntry({ unavailable }),
      animations: {
        idle: animEntry(),
        death: animEntry({ state: "failed", status: "FAILED", error: { code: "TASK_FAILED", message: FAILED_MESSAGE } }),
      },
    },
  });
  const plan = planOf([
    step("knight/rig", "noop"),
    step("knight/animations/attack", "replace", [STALE_REASON]),
    step("goblin/rig", "noop"),
    step("goblin/animations/idle", "noop"),
    step("goblin/animations/death", "replace", ["the last task failed"]),
  ]);
  const resolved = manifestOf({ knight: ["attack"], goblin: ["idle", "death"] });
  return { dir, outDir, project: { settings: { outDir }, resolved, lock }, plan, remove: () => rm(dir, { recursive: true, force: true }) };
}
