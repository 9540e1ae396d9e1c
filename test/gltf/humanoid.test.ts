/** The procedural humanoid builder and the PNG encoder. */
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
import { inflateSync } from "node:zlib";
import { NodeIO } from "@gltf-transform/core";
import { describe, expect, it } from "vitest";
import { buildHumanoid, HUMANOID_JOINTS } from "../../src/gltf/humanoid.js";
import { encodePng, isPng } from "../../src/gltf/png.js";

const validator = createRequire(import.meta.url)("gltf-validator") as {
  validateBytes(data: Uint8Array): Promise<{ issues: { numErrors: number; numWarnings: number } }>;
};

describe("buildHumanoid", () => {
  it("unskinned: a plain textured mesh, no skin, valid", async () => {
    const glb = await buildHumanoid({ heightMeters: 1.1, seed: "goblin", skinned: false });
    const report = await validator.validateBytes(glb);
    expect(report.issues).toMatchObject({ numErrors: 0, numWarnings: 0 });
    const doc = await new NodeIO().readBinary(glb);
    expect(doc.getRoot().listSkins()).toEqual([]);
    expect(doc.getRoot().listAnimations()).toEqual([]);
    const texture = doc.getRoot().listTextures()[0]!;
    expect(texture.getMimeType()).toBe("image/png");
    expect(isPng(texture.getImage()!)).toBe(true);
    const pos = doc.getRoot().listMeshes()[0]!.listPrimitives()[0]!.getAttribute("POSITION")!;
    expect(pos.getMax([0, 0, 0])[1]).toBeCloseTo(1.1, 1);
    expect(pos.getMin([0, 0, 0])[1]).toBeCloseTo(0, 1);
  });

  it("is deterministic per seed, and the seed varies the skeleton", async () => {
    const opts = { heightMeters: 1.7, seed: "a", skinned: true, clip: { name: "Walking", durationSec: 1, fps: 30 } } as const;
    const a1 = await buildHumanoid(opts);
    expect(Buffer.from(await buildHumanoid(opts)).equals(Buffer.from(a1))).toBe(true);
    expect(Buffer.from(await buildHumanoid({ ...opts, seed: "b" })).equals(Buffer.from(a1))).toBe(false);
  });

  it("clip keyframes follow duration and fps, for every motion style", async () => {
    for (const motion of ["idle", "walk", "run", "attack", "dead", "arise", "hit", "jump", "cast", "look"] as const) {
      const glb = await buildHumanoid({
        heightMeters: 1.7,
        seed: 1,
        skinned: true,
        withMesh: false,
        clip: { name: motion, durationSec: 1.5, fps: 25, motion },
      });
      const doc = await new NodeIO().readBinary(glb);
      const anim = doc.getRoot().listAnimations()[0]!;
      expect(anim.listSamplers()[0]!.getInput()!.getCount(), motion).toBe(Math.round(1.5 * 25) + 1);
      expect(
        doc
          .getRoot()
          .listNodes()
          .filter((n) => HUMANOID_JOINTS.includes(n.getName())),
      ).toHaveLength(HUMANOID_JOINTS.length);
      expect((await validator.validateBytes(glb)).issues.numErrors, motion).toBe(0);
    }
  });

  it("refuses clips without a skeleton and non-positive heights", async () => {
    await expect(
      buildHumanoid({ heightMeters: 1.7, seed: 1, skinned: false, clip: { name: "x", durationSec: 1, fps: 30 } }),
    ).rejects.toThrow();
    await expect(buildHumanoid({ heightMeters: 0, seed: 1, skinned: false })).rejects.toThrow();
  });

  it("fixtures are in place and small", () => {
    for (const name of ["knight", "archer", "goblin", "mage"]) {
      const glb = readFileSync(new URL(`../../examples/models/${name}.glb`, import.meta.url));
      expect(glb.subarray(0, 4).toString("latin1")).toBe("glTF");
      expect(glb.length).toBeLessThan(60_000);
    }
    expect(isPng(readFileSync(new URL("../../examples/textures/mage.png", import.meta.url)))).toBe(true);
  });
});

describe("encodePng", () => {
  it("writes signature, IHDR and pixel data that inflate back", () => {
    const rgba = Uint8Array.of(255, 0, 0, 255, 0, 0, 255, 128);
    const png = Buffer.from(encodePng(2, 1, rgba));
    expect(isPng(png)).toBe(true);
    expect(png.subarray(12, 16).toString("latin1")).toBe("IHDR");
    expect([png.readUInt32BE(16), png.readUInt32BE(20), png[24], png[25]]).toEqual([2, 1, 8, 6]);
    const idatLen = png.readUInt32BE(33);
    expect(png.subarray(37, 41).toString("latin1")).toBe("IDAT");
    const raw = inflateSync(png.subarray(41, 41 + idatLen));
    expect([...raw]).toEqual([0, ...rgba]);
    expect(() => encodePng(2, 2, rgba)).toThrow(RangeError);
  });
});
