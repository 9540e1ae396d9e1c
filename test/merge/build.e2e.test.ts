/**
 * Issue 14 as a user meets it: the build merges each character into one GLB, its
 * options re-merge it (free, no key), and `merge: false` prunes it with its line.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { NodeIO } from "@gltf-transform/core";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { tempProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const manifest = (extra = "") =>
  `version: 1\ndefaults:\n  formats: [glb]\n${extra}characters:\n  knight: { model: models/knight.glb, actions: [0, 4] }\n`;

/** Per animation, how many distinct X and Z values the skin's root joint (the hips) takes. */
async function hipsTravel(file: string): Promise<number[][]> {
  const doc = await new NodeIO().read(file);
  const root = doc.getRoot().listSkins()[0]!.listJoints()[0]!;
  return doc
    .getRoot()
    .listAnimations()
    .map((anim) => {
      const channel = anim.listChannels().find((c) => c.getTargetNode() === root && c.getTargetPath() === "translation");
      const values = channel?.getSampler()?.getOutput()?.getArray() ?? [];
      const xs = new Set<number>();
      const zs = new Set<number>();
      for (let i = 0; i < values.length; i += 3) {
        xs.add(values[i]!);
        zs.add(values[i + 2]!);
      }
      return [xs.size, zs.size];
    });
}

it(
  "options re-merge for free with no key; in_place holds the hips' horizontal translation; merge: false prunes it",
  { timeout: 120_000 },
  async () => {
    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const project = await tempProject({ "characters.yaml": manifest() });
    await project.model("models/knight.glb");
    const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
    const built = await rigup(["build", "--yes"], { cwd: project.dir, env });
    expect(built.code, built.stderr).toBe(0);
    const merged = join(project.dir, "out/knight/knight.glb");
    // Some clip travels: its hips move horizontally.
    expect((await hipsTravel(merged)).some(([x, z]) => x! > 1 || z! > 1)).toBe(true);
    const paid = emulator.stats().tasksCreated;
    // A recorded output like any other: verify re-hashes it, and names it when it changed.
    expect((await rigup(["verify"], { cwd: project.dir, env: {} })).code).toBe(0);
    const bytes = await readFile(merged);
    await writeFile(merged, Buffer.concat([bytes.subarray(0, -1), Buffer.from([bytes.at(-1)! ^ 1])]));
    const verify = await rigup(["verify"], { cwd: project.dir, env: {} });
    expect(verify.code).toBe(1);
    expect(verify.stderr).toMatch(/^knight\/knight\.glb: sha256 \S+ but the lockfile says \S+ \(knight\/merged\)$/m);
    const repaired = await rigup(["build"], { cwd: project.dir, env: {} });
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(await readFile(merged)).toEqual(bytes);
    const keyBefore = (await rigup(["cache-key"], { cwd: project.dir, env: {} })).stdout;

    await project.write("characters.yaml", manifest("  root_motion: in_place\n"));
    // The option is part of what the tree depends on: CI caches keyed by it miss.
    expect((await rigup(["cache-key"], { cwd: project.dir, env: {} })).stdout).not.toBe(keyBefore);
    const plan = await rigup(["plan"], { cwd: project.dir, env: {} });
    expect(plan.stderr).toMatch(/\* knight\/merged\n\s+# root_motion keep → in_place/);
    expect(plan.stderr).toMatch(/Estimated cost: 0 credits/);
    const remerged = await rigup(["build"], { cwd: project.dir, env: {} });
    expect(remerged.code, remerged.stderr).toBe(0);
    expect((await hipsTravel(merged)).every(([x, z]) => x! <= 1 && z! <= 1)).toBe(true);
    expect((await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.merged!.inputs.root_motion).toBe("in_place");
    expect(emulator.stats().tasksCreated).toEqual(paid);

    await project.write("characters.yaml", manifest("  merge: false\n"));
    const pruned = await rigup(["build"], { cwd: project.dir, env: {} });
    expect(pruned.code, pruned.stderr).toBe(0);
    await expect(readFile(merged)).rejects.toMatchObject({ code: "ENOENT" });
    expect((await readLockfile(join(project.dir, "characters.lock"))).characters.knight!.merged).toBeUndefined();
    expect((await rigup(["check"], { cwd: project.dir, env: {} })).code).toBe(0);
    expect(emulator.stats().tasksCreated).toEqual(paid);
  },
);

it("an action named like a free clip is an input error when merging (file, line, field; nothing spent)", async () => {
  const project = await tempProject({
    "characters.yaml": "version: 1\ncharacters:\n  knight:\n    model: models/knight.glb\n    actions: [{ action_id: 1, name: walking }]\n",
  });
  await project.model("models/knight.glb");
  const run = await rigup(["plan"], { cwd: project.dir, env: {} });
  expect(run.code).toBe(3);
  expect(run.stderr).toMatch(/on characters\.yaml line 5, column \d+, in characters\.knight\.actions\[0\]/);
  expect(run.stderr).toContain('action name "walking" is also the free walking clip\'s name in the merged knight.glb');
});
