import { describe, expect, it } from "vitest";
import { buildHumanoid, HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { readGlbStats } from "../../src/preview/glb-stats.js";

describe("readGlbStats", () => {
  it.each([
    { durationSec: 1.1, fps: 30, keyframes: 34 },
    { durationSec: 2, fps: 24, keyframes: 49 },
    { durationSec: 0.5, fps: 60, keyframes: 31 },
  ])("reads a $durationSec s clip at $fps fps", async ({ durationSec, fps, keyframes }) => {
    const glb = await buildHumanoid({ heightMeters: 1.7, seed: "s", skinned: true, clip: { name: "Walk", durationSec, fps } });
    expect(await readGlbStats(glb)).toEqual({ durationSec, fps, keyframes, joints: HUMANOID_JOINTS.length, animations: 1 });
  });

  it("counts the joints of an armature-only clip", async () => {
    const glb = await buildHumanoid({
      heightMeters: 1.7,
      seed: "s",
      skinned: true,
      withMesh: false,
      clip: { name: "Run", durationSec: 0.7, fps: 30 },
    });
    // No mesh, so no skin: the joints are only nodes.
    expect(await readGlbStats(glb)).toMatchObject({ durationSec: 0.7, fps: 30, joints: 0 });
  });

  it("reports zeros for an unanimated, unskinned model", async () => {
    const glb = await buildHumanoid({ heightMeters: 1.7, seed: "s", skinned: false });
    expect(await readGlbStats(glb)).toEqual({ durationSec: 0, fps: 0, keyframes: 0, joints: 0, animations: 0 });
  });

  it("rejects bytes that are not a GLB", async () => {
    await expect(readGlbStats(new TextEncoder().encode("not a glb"))).rejects.toThrow();
  });
});
