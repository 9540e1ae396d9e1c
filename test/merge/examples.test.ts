/**
 * End to end: the repo's example project built on the emulator by the CLI (a
 * separate process, on a temp copy of examples/), then each character's files
 * from its out/ folder merged into one GLB.
 */
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { loadManifest } from "../../src/manifest/load.js";
import type { ResolvedCharacter } from "../../src/manifest/resolve.js";
import { readMergeInputs } from "../../src/merge/inputs.js";
import { mergeSources } from "../../src/manifest/layout.js";
import { mergeCharacter, type ClipSource, type MergeOptions } from "../../src/merge/merge-character.js";
import { ROOT, rigup } from "../helpers/spawn.js";
import { expectValid, keyframes, readGlb } from "./fixtures.js";

const KEEP: MergeOptions = { rootMotion: "keep", resample: false, meshopt: false };

let dir: string;
let characters: ResolvedCharacter[];
const inputs = new Map<string, { rig: { bytes: Uint8Array; source: string }; clips: ClipSource[] }>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "rigup-merge-"));
  for (const entry of ["characters.yaml", "models", "textures"])
    await cp(join(ROOT, "examples", entry), join(dir, entry), { recursive: true });
  const build = await rigup(["build", "--emulator"], { cwd: dir, timeoutMs: 90_000 });
  expect(build.code, build.stderr).toBe(0);
  characters = (await loadManifest(join(dir, "characters.yaml"))).resolved.characters;
  for (const c of characters) inputs.set(c.name, await readMergeInputs(join(dir, "out"), mergeSources(c.name, c.actions)));
}, 120_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("merging the example project's characters", () => {
  it("gives each character one valid GLB: its mesh and skin once, walking, running and every action in manifest order", async () => {
    expect(characters.map((c) => c.name)).toEqual(["knight", "archer", "goblin", "mage"]);
    for (const c of characters) {
      const { rig, clips } = inputs.get(c.name)!;
      expect(rig.source).toBe(`${c.name}/rig/${c.name}.glb`);
      expect(clips.map((clip) => clip.source)).toEqual([
        `${c.name}/rig/walking.glb`,
        `${c.name}/rig/running.glb`,
        ...c.actions.map((a) => `${c.name}/animations/${a.name}.glb`),
      ]);
      const { glb, report } = await mergeCharacter(rig, clips, KEEP);
      await expectValid(glb, c.name);

      const merged = (await readGlb(glb)).getRoot();
      const original = (await readGlb(rig.bytes)).getRoot();
      expect(merged.listSkins()).toHaveLength(1);
      expect(merged.listMeshes()).toHaveLength(original.listMeshes().length);
      expect(merged.listNodes().map((n) => n.getName())).toEqual(original.listNodes().map((n) => n.getName()));
      expect(merged.listAnimations().map((a) => a.getName())).toEqual(["walking", "running", ...c.actions.map((a) => a.name)]);
      const nodes = new Set(merged.listNodes());
      const joints = new Set(merged.listSkins()[0]!.listJoints());
      expect([...joints].map((j) => j.getName())).toEqual(HUMANOID_JOINTS);
      for (const channel of merged.listAnimations().flatMap((a) => a.listChannels())) {
        expect(nodes.has(channel.getTargetNode()!) && joints.has(channel.getTargetNode()!)).toBe(true);
      }
      // The emulator's clips are on the rig's exact skeleton: every channel maps, no scale differs.
      expect(report.clips.flatMap((r) => r.unmapped)).toEqual([]);
      expect(report.scaleQuirks).toEqual([]);

      const replaced = rig.bytes.length + clips.reduce((n, clip) => n + clip.bytes.length, 0);
      expect(glb.length).toBeLessThan(replaced / 2);
    }
  });

  it("is deterministic, and every option combination still validates", async () => {
    const { rig, clips } = inputs.get("knight")!;
    for (const options of [
      KEEP,
      { rootMotion: "in_place", resample: true, meshopt: false } as const,
      { rootMotion: "in_place", resample: true, meshopt: true } as const,
    ]) {
      const a = await mergeCharacter(rig, clips, options);
      const b = await mergeCharacter(rig, clips, options);
      expect(Buffer.from(a.glb).equals(Buffer.from(b.glb)), JSON.stringify(options)).toBe(true);
      await expectValid(a.glb, JSON.stringify(options));
    }
  });

  it("in_place pins the knight's hips horizontally in its attack, which moves them with keep", async () => {
    const { rig, clips } = inputs.get("knight")!;
    const attack = characters.find((c) => c.name === "knight")!.actions.find((a) => a.actionId === 4)!.name;
    const z = async (options: MergeOptions) =>
      keyframes(await readGlb((await mergeCharacter(rig, clips, options)).glb), attack, "Hips", "translation").values.map((v) => [
        v[0],
        v[2],
      ]);
    const kept = await z(KEEP);
    expect(new Set(kept.map((v) => v.join())).size).toBeGreaterThan(1);
    const pinned = await z({ ...KEEP, rootMotion: "in_place" });
    expect(new Set(pinned.map((v) => v.join())).size).toBe(1);
    expect(pinned[0]).toEqual(kept[0]);
  });
});
