/**
 * Names that would make two outputs one file are refused in the manifest (exit 3, nothing spent):
 * a character named like a free clip of its rig, and names that differ only by case, which
 * macOS and Windows file systems treat as one.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { glbBytes } from "./fixtures.js";

async function plan(characters: string) {
  const project = await tempProject({ "characters.yaml": `version: 1\ncharacters:\n${characters}` });
  await project.write("models/m.glb", glbBytes());
  return runCli(["plan"], { cwd: project.dir });
}

describe("character names that collide with the free clips of the rig", () => {
  it.each(["walking", "running", "Walking", "running.armature"])("refuses %s, and not a name merely like it", async (name) => {
    const run = await plan(`  walking-hero: { model: models/m.glb }\n  ${name}: { model: models/m.glb }\n`);
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("characters.yaml has 1 problem");
    expect(run.stderr).toContain(`on characters.yaml line 4, column 3, in characters`);
    expect(run.stderr).toContain(`as a character name, "${name}" collides with a free clip bundled with every rig`);
    expect(run.stderr).toContain(`${name}/rig/`);
  });
});

describe("names that differ only by case", () => {
  it("refuses characters Knight and knight, with the lines of both", async () => {
    const run = await plan("  Knight: { model: models/m.glb }\n  goblin: { model: models/m.glb }\n  knight: { model: models/m.glb }\n");
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("on characters.yaml line 5, column 3, in characters.knight:");
    expect(run.stderr).toContain('character "knight" differs from "Knight" (line 3) only by case');
  });

  it("refuses actions named Run and run in one character, with the lines of both", async () => {
    const run = await plan(
      "  knight:\n    model: models/m.glb\n    actions:\n      - { action_id: 1, name: Run }\n      - { action_id: 2, name: walk }\n      - { action_id: 3, name: run }\n",
    );
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("on characters.yaml line 8, column 31, in characters.knight.actions[2].name:");
    expect(run.stderr).toContain('output name "run" differs from "Run" of actions[0] (line 6) only by case');
  });

  it("refuses an action whose file differs only by case from a post-processed file of another", async () => {
    // run + extract_armature writes run.armature.fbx; an action named Run.armature writes Run.armature.fbx.
    const run = await plan(
      "  knight:\n    model: models/m.glb\n    actions:\n" +
        "      - { action_id: 1, name: run, post_process: { operation_type: extract_armature } }\n" +
        "      - { action_id: 2, name: Run.armature }\n",
    );
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("on characters.yaml line 7, column 9, in characters.knight.actions[1]:");
    expect(run.stderr).toContain(
      'writes knight/animations/Run.armature.fbx, which differs from knight/animations/run.armature.fbx of action "run" (line 6) only by case',
    );
  });
});
