/**
 * Where rigup finds characters.yaml (issue 10, item 9): without `-m`, in the
 * current folder or the nearest one above, as git finds its repository; the
 * search stops at the repository root. Not found, the error names `rigup init`
 * and `-m`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

const MANIFEST = "version: 1\ncharacters:\n  hero: { model: models/hero.glb, actions: [0] }\n";

describe("finding the manifest", () => {
  it("from a sub-folder of the game repo, plan and check use the repo's characters.yaml", async () => {
    const project = await tempProject({ "characters.yaml": MANIFEST });
    await project.model("models/hero.glb");
    await mkdir(join(project.dir, ".git"));
    const deep = join(project.dir, "src", "levels");
    await mkdir(deep, { recursive: true });

    const plan = await spawnRigup(["plan", "--json"], { cwd: deep });
    expect(plan.code, plan.stderr).toBe(0);
    const steps = (JSON.parse(plan.stdout) as { steps: { key: string }[] }).steps.map((s) => s.key);
    expect(steps).toEqual(["hero/rig", "hero/animations/action-0"]);
    const check = await spawnRigup(["check"], { cwd: deep });
    expect(check.code, check.stderr).toBe(2);
    expect(check.stderr).toContain("hero/rig: not built yet");
  });

  it("stops at the repository root, and the error says to run `rigup init` or pass -m", async () => {
    // A manifest above the repository belongs to another project.
    const outer = await tempProject({ "characters.yaml": MANIFEST });
    const repo = join(outer.dir, "game");
    await mkdir(join(repo, ".git"), { recursive: true });
    await mkdir(join(repo, "tools"));

    const run = await spawnRigup(["plan"], { cwd: join(repo, "tools") });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no characters.yaml in ${join(repo, "tools")} or any folder above it up to the repository root ${repo}`);
    expect(run.stderr).toContain("`rigup init`");
    expect(run.stderr).toContain("`-m path/to/characters.yaml`");
  });
});
