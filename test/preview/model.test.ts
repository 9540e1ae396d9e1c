import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { buildPreviewModel, type PreviewModel } from "../../src/preview/index.js";
import { exampleTree, FAILED_MESSAGE, STALE_REASON, type ExampleTree } from "./fixture.js";

let tree: ExampleTree;
beforeEach(async () => {
  tree = await exampleTree();
});
afterEach(() => tree.remove());

const summary = (model: PreviewModel) =>
  model.characters.map((c) => ({
    name: c.name,
    rig: [c.rig.status, c.rig.url],
    clips: c.clips.map((clip) => [clip.name, clip.status, clip.url]),
  }));

describe("buildPreviewModel", () => {
  it("lists every character in manifest order, with the rig's bundled clips first, and marks stale and failed items", async () => {
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(summary(model)).toEqual([
      {
        name: "knight",
        rig: ["ok", "files/knight/rig/knight.glb"],
        clips: [
          ["rig/walking", "ok", "files/knight/rig/walking.glb"],
          ["attack", "stale", "files/knight/animations/attack.glb"],
        ],
      },
      {
        name: "goblin",
        rig: ["ok", "files/goblin/rig/goblin.glb"],
        clips: [
          ["rig/walking", "ok", "files/goblin/rig/walking.glb"],
          ["idle", "ok", "files/goblin/animations/idle.glb"],
          ["death", "failed", null],
        ],
      },
    ]);
    const [knight, goblin] = model.characters;
    expect(knight!.clips[1]!.reasons).toEqual([`replace: ${STALE_REASON}`]);
    expect(goblin!.clips[2]!.reasons).toEqual([`${FAILED_MESSAGE} (TASK_FAILED)`, "replace: the last task failed"]);
  });

  it("reads length, fps and joints from each GLB", async () => {
    const model = await buildPreviewModel(tree.project, tree.plan);
    const goblin = model.characters[1]!;
    expect(goblin.rig.stats).toMatchObject({ joints: HUMANOID_JOINTS.length, animations: 0 });
    expect(goblin.clips.map((c) => c.stats && [c.stats.durationSec, c.stats.fps, c.stats.joints])).toEqual([
      [1.1, 30, HUMANOID_JOINTS.length],
      [2, 24, HUMANOID_JOINTS.length],
      null,
    ]);
  });

  it("marks a deleted file missing, and lists a bundled clip the rig entry does not call unavailable", async () => {
    await rm(path.join(tree.outDir, "knight/rig/walking.glb"));
    tree.project.lock.characters.goblin!.rig!.unavailable = [];
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters[0]!.clips[0]).toMatchObject({
      name: "rig/walking",
      status: "missing",
      url: null,
      stats: null,
      reasons: ["knight/rig/walking.glb not found"],
    });
    expect(model.characters[1]!.clips.map((c) => [c.name, c.status])).toContainEqual(["rig/running", "missing"]);
  });

  it("does not list a file that is a symlink out of the tree, nor hand an unreadable GLB to the page", async () => {
    const secret = path.join(tree.dir, "secret.glb");
    await writeFile(secret, "secret");
    await rm(path.join(tree.outDir, "knight/animations/attack.glb"));
    await symlink(secret, path.join(tree.outDir, "knight/animations/attack.glb"));
    await writeFile(path.join(tree.outDir, "goblin/animations/idle.glb"), "truncated");
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters[0]!.clips[1]).toMatchObject({ status: "missing", url: null });
    expect(model.characters[1]!.clips[1]).toMatchObject({ status: "failed", url: null });
    expect(model.characters[1]!.clips[1]!.reasons[0]).toMatch(/^cannot read goblin\/animations\/idle\.glb: /);
  });

  it("names a character's merged file when it is in the tree, and not when it is absent or a symlink out of it", async () => {
    expect((await buildPreviewModel(tree.project, tree.plan)).characters.map((c) => c.merged)).toEqual([undefined, undefined]);
    await writeFile(path.join(tree.outDir, "knight/knight.glb"), "merged");
    const secret = path.join(tree.dir, "secret.glb");
    await writeFile(secret, "secret");
    await symlink(secret, path.join(tree.outDir, "goblin/goblin.glb"));
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters.map((c) => c.merged)).toEqual(["knight/knight.glb", undefined]);
    expect("merged" in model.characters[1]!).toBe(false);
  });

  it("says why every file is missing when the manifest does not ask for glb", async () => {
    await rm(tree.outDir, { recursive: true });
    await mkdir(tree.outDir);
    tree.project.resolved.formats = ["fbx"];
    const model = await buildPreviewModel(tree.project, tree.plan);
    expect(model.characters[0]!.rig.reasons).toEqual(["knight/rig/knight.glb not found", 'glb is not in the manifest\'s "formats"']);
  });
});
