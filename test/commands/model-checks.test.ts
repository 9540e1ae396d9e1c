/**
 * Models a build would pay to rig and Meshy cannot rig as asked are input errors (exit 3)
 * in `plan` and `build`, found offline before anything is sent: over Meshy's 380,000
 * triangles, or a `texture:` on a model without UVs. Only paid rig steps read models.
 */
import { afterEach, describe, expect, it } from "vitest";
import { checkPaidModels } from "../../src/app/check-models.js";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { EXIT } from "../../src/diagnostics/errors.js";
import { openProject, planProject } from "../../src/app/project.js";
import { posts } from "../helpers/assert.js";
import { runCli } from "../helpers/cli.js";
import { tempProject, type TempProject } from "../helpers/project.js";
import { syntheticGlb } from "../gltf/synthetic.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** A hero Meshy can rig, and a dragon (line 6) whose model is the one under test. */
async function project(dragon: Uint8Array, texture = ""): Promise<TempProject> {
  const p = await tempProject({
    "characters.yaml": `version: 1
characters:
  hero:
    model: models/hero.glb
    actions: [0]
  dragon:
    model: models/dragon.glb
    actions: [0]
${texture}`,
  });
  await p.model("models/hero.glb");
  await p.write("models/dragon.glb", dragon);
  return p;
}

const overLimit = () => syntheticGlb([{ vertices: 3, indices: 3 * 380_001 }]);

describe("models checked before paying to rig them", () => {
  it("`rigup plan` and `rigup build` refuse a model over 380,000 triangles, naming file and line; nothing is sent", async () => {
    const p = await project(await overLimit());
    const plan = await runCli(["plan"], { cwd: p.dir });
    expect(plan.code, plan.stderr).toBe(EXIT.INVALID_INPUT);
    expect(plan.stderr).toContain("on characters.yaml line 7, column 12, in characters.dragon.model:");
    expect(plan.stderr).toContain("models/dragon.glb has 380,001 triangles; Meshy rigs models of at most 380,000");
    expect(plan.stderr).toContain("Hint: remesh it to 300,000 triangles or fewer, as Meshy advises");

    emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
    const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
    const build = await runCli(["build", "--yes"], { cwd: p.dir, env });
    expect(build.code, build.stderr).toBe(EXIT.INVALID_INPUT);
    expect(build.stderr).toContain("models/dragon.glb has 380,001 triangles");
    expect(posts(emulator.stats())).toBe(0);
    expect(emulator.stats().tasksCreated).toEqual({ rig: 0, animation: 0 });
  });

  it("refuses a texture on a model without UVs, at the texture's line", async () => {
    const p = await project(await syntheticGlb([{ vertices: 3, uvs: false }]), "    texture: textures/dragon.png\n");
    await p.write("textures/dragon.png", Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a));
    const run = await runCli(["plan", "--json"], { cwd: p.dir });
    expect(run.code, run.stderr).toBe(EXIT.INVALID_INPUT);
    const error = JSON.parse(run.stdout);
    expect(error).toMatchObject({ type: "error", code: "MODEL_INVALID" });
    expect(error.diagnostics).toEqual([
      expect.objectContaining({
        line: 9,
        field: "characters.dragon.texture",
        message: "models/dragon.glb has no UV coordinates (TEXCOORD_0), so this texture cannot be mapped onto it",
      }),
    ]);
  });

  it("takes the same model without UVs when it has no texture", async () => {
    const p = await project(await syntheticGlb([{ vertices: 3, uvs: false }]));
    const run = await runCli(["plan"], { cwd: p.dir });
    expect(run.code, run.stderr).toBe(EXIT.OK);
    expect(run.stderr).toContain("Plan: 4 to create");
  });

  it("reads models only for paid rig steps: not for `rigup check`, nor for a rig that is downloaded or up to date", async () => {
    const p = await project(await overLimit());
    expect((await runCli(["check"], { cwd: p.dir })).code).toBe(EXIT.CHANGES);

    const opened = await openProject({ cwd: p.dir, env: {} });
    const { plan } = await planProject(opened, { target: "meshy" });
    const as = (action: "noop" | "download" | "replace") => ({
      ...plan,
      steps: plan.steps.map((s) => (s.key === "dragon/rig" ? { ...s, action } : s)),
    });
    await expect(checkPaidModels(opened, as("noop"))).resolves.toBeUndefined();
    await expect(checkPaidModels(opened, as("download"))).resolves.toBeUndefined();
    await expect(checkPaidModels(opened, as("replace"))).rejects.toMatchObject({ code: "MODEL_INVALID", exitCode: EXIT.INVALID_INPUT });
  });
});
