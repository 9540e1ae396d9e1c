/**
 * The README's first command: `rigup build --emulator` in examples/ produces
 * valid GLBs. Runs on a copy of examples/ so the repo stays clean, and checks
 * every GLB with the Khronos glTF validator.
 */
import { cp, readdir, readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { expect, it } from "vitest";
import { readLockfile } from "../../src/lockfile/read.js";
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
  // 4 rigs x (character + walking/running with armature variants) + 10 clips.
  expect(glbs.length).toBe(4 * 5 + 10);
  for (const file of glbs) {
    const report = await validator.validateBytes(new Uint8Array(await readFile(join(project.dir, "out", file))));
    expect(report.issues.messages.filter((m) => m.severity === 0), file).toEqual([]);
  }
  const usdz = await readFile(join(project.dir, "out/archer/animations/run-fast.usdz"));
  expect(usdz.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));

  // The emulator of the second run is a fresh one: outputs are all present, so nothing is asked of it.
  const again = await runCli(["build", "--emulator"], { cwd: project.dir });
  expect(again.code, again.stderr).toBe(0);
  expect(again.stderr).toContain("No changes");
});
