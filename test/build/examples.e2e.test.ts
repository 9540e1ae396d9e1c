/**
 * The README's first command: `rigup build --emulator` in examples/ produces
 * valid GLBs. Runs on a copy of examples/ so the repo stays clean, and checks
 * every GLB with the Khronos glTF validator.
 */
import { cp, readdir, readFile, rm } from "node:fs/promises";
import { NodeIO } from "@gltf-transform/core";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readLockfile } from "../../src/lockfile/read.js";
import { loadManifest } from "../../src/manifest/load.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { expectTreeMatchesLock } from "../helpers/assert.js";

interface ValidationReport {
  issues: { numErrors: number; messages: { code: string; message: string; severity: number }[] };
}
const validator = createRequire(import.meta.url)("gltf-validator") as {
  validateBytes(data: Uint8Array): Promise<ValidationReport>;
};
const EXAMPLES = join(import.meta.dirname, "../../examples");

it("rigup build --emulator in examples/ produces valid GLBs, and a second run has nothing to do", { timeout: 120_000 }, async () => {
  const project = await tempProject();
  for (const entry of ["characters.yaml", "models", "textures"]) {
    await cp(join(EXAMPLES, entry), join(project.dir, entry), { recursive: true });
  }
  const run = await runCli(["build", "--emulator"], { cwd: project.dir });
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toContain("built-in Meshy emulator");

  const lock = await readLockfile(join(project.dir, "characters.lock"));
  expect(Object.keys(lock.characters).sort()).toEqual(["archer", "goblin", "knight", "mage"]);
  await expectTreeMatchesLock(project.dir, lock);

  const glbs = (await readdir(join(project.dir, "out"), { recursive: true })).filter((f) => f.endsWith(".glb"));
  // 4 rigs x (character + walking/running with armature variants) + 10 clips + 4 merged characters.
  expect(glbs.length).toBe(4 * 5 + 10 + 4);
  for (const file of glbs) {
    const report = await validator.validateBytes(new Uint8Array(await readFile(join(project.dir, "out", file))));
    expect(
      report.issues.messages.filter((m) => m.severity === 0),
      file,
    ).toEqual([]);
  }
  const usdz = await readFile(join(project.dir, "out/archer/animations/run-fast.usdz"));
  expect(usdz.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

  // Each character merged into one GLB: the mesh once, one skin, one animation per clip named as the
  // manifest names it (walking, running, then its actions), every channel on a joint of that skin.
  const manifest = (await loadManifest(join(project.dir, "characters.yaml"))).resolved;
  for (const c of manifest.characters) {
    const rel = `${c.name}/${c.name}.glb`;
    const doc = await new NodeIO().read(join(project.dir, "out", rel));
    const root = doc.getRoot();
    expect(root.listSkins(), rel).toHaveLength(1);
    const rigDoc = await new NodeIO().read(join(project.dir, "out", c.name, "rig", `${c.name}.glb`));
    expect(root.listMeshes().length, rel).toBe(rigDoc.getRoot().listMeshes().length);
    expect(
      root.listAnimations().map((a) => a.getName()),
      rel,
    ).toEqual(["walking", "running", ...c.actions.map((a) => a.name)]);
    const joints = new Set(root.listSkins()[0]!.listJoints());
    for (const anim of root.listAnimations())
      for (const ch of anim.listChannels()) expect(joints.has(ch.getTargetNode()!), `${rel} ${anim.getName()}`).toBe(true);
    expect(lock.characters[c.name]!.merged!.file).toMatchObject({
      path: rel,
      size: (await readFile(join(project.dir, "out", rel))).length,
    });
  }
  // Same inputs, same bytes: a merged file made again is identical.
  const before = await readFile(join(project.dir, "out/knight/knight.glb"));
  await rm(join(project.dir, "out/knight/knight.glb"));
  const remade = await runCli(["build", "--emulator"], { cwd: project.dir });
  expect(remade.code, remade.stderr).toBe(0);
  expect(remade.stderr).toMatch(/Done: 0 created, 0 downloaded, 1 merged, 14 up to date/);
  expect(await readFile(join(project.dir, "out/knight/knight.glb"))).toEqual(before);

  // The emulator of the second run is a fresh one: outputs are all present, so nothing is asked of it.
  const again = await runCli(["build", "--emulator"], { cwd: project.dir });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toContain("No changes");
});
