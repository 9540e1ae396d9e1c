/**
 * `skeleton` and `body` (Meshy API v2's skeleton_template and animation_type): set in
 * `defaults` or per character, absent from the resolved character when neither sets them.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { loadManifest } from "../../src/manifest/load.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { glbBytes, MANIFEST, memProject } from "./fixtures.js";

const load = async (yaml: string) => (await loadManifest(MANIFEST, { fs: memProject(yaml) })).resolved.characters;

describe("skeleton and body", () => {
  it("are absent when not set", async () => {
    const [knight] = await load("version: 1\ncharacters:\n  knight: { model: models/knight.glb }\n");
    expect(knight).not.toHaveProperty("skeleton");
    expect(knight).not.toHaveProperty("body");
  });

  it("come from defaults, and a character's own win", async () => {
    const characters = await load(
      [
        "version: 1",
        "defaults: { skeleton: mixamo, body: biped }",
        "characters:",
        "  knight: { model: models/knight.glb }",
        "  wolf: { model: models/knight.glb, body: quadruped, skeleton: custom_rig-2 }",
        "",
      ].join("\n"),
    );
    expect(characters.map((c) => [c.name, c.skeleton, c.body])).toEqual([
      ["knight", "mixamo", "biped"],
      ["wolf", "custom_rig-2", "quadruped"],
    ]);
  });

  it.each([
    ["body: dragon", 5, 11, "characters.knight.body", 'must be one of "biped", "quadruped", got "dragon"'],
    ["skeleton: ../bones", 5, 15, "characters.knight.skeleton", "must be a skeleton template name such as mixamo"],
  ])("refuse `%s` (exit 3) at its line, with nothing planned", async (line, at, column, field, message) => {
    const project = await tempProject({ "characters.yaml": `version: 1\ncharacters:\n  knight:\n    model: models/m.glb\n    ${line}\n` });
    await project.write("models/m.glb", glbBytes());
    const run = await runCli(["plan"], { cwd: project.dir });
    expect(run.code, run.stderr).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain(`on characters.yaml line ${at}, column ${column}, in ${field}:`);
    expect(run.stderr).toContain(message);
    expect(run.stderr).not.toContain("Plan:");
  });

  it("refuse a bad body in defaults too", async () => {
    const project = await tempProject({
      "characters.yaml": "version: 1\ndefaults:\n  body: biped-ish\ncharacters:\n  knight: { model: models/m.glb }\n",
    });
    await project.write("models/m.glb", glbBytes());
    const run = await runCli(["plan"], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("on characters.yaml line 3, column 9, in defaults.body:");
  });
});
