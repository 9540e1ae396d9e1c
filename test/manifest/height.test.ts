/**
 * height_meters is a character's height: Meshy scales the rig by it, so values no character
 * has (1e300, 1e-320, a height in centimetres) are refused in the manifest with the reason.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { glbBytes } from "./fixtures.js";

const REASON = "Meshy scales the rig to this height in meters, and no character is under 0.01 m or over 100 m";

async function plan(manifest: string) {
  const project = await tempProject({ "characters.yaml": manifest });
  await project.write("models/m.glb", glbBytes());
  return runCli(["plan"], { cwd: project.dir });
}

describe("height_meters", () => {
  it.each([
    ["1e300", "must be at most 100, got 1e+300"],
    ["180", "must be at most 100, got 180"],
    ["1e-320", "must be at least 0.01, got 1e-320"],
    ["0.001", "must be at least 0.01, got 0.001"],
  ])("refuses a character %s m tall, saying why", async (height, message) => {
    const run = await plan(`version: 1\ncharacters:\n  knight:\n    model: models/m.glb\n    height_meters: ${height}\n`);
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("on characters.yaml line 5, column 20, in characters.knight.height_meters:");
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain(REASON);
  });

  it("refuses the same in defaults, and takes a 5 cm mouse and a 60 m giant", async () => {
    const bad = await plan(`version: 1\ndefaults: { height_meters: 1e300 }\ncharacters:\n  knight: { model: models/m.glb }\n`);
    expect(bad.code).toBe(EXIT.INVALID_INPUT);
    expect(bad.stderr).toContain("in defaults.height_meters:");
    expect(bad.stderr).toContain(REASON);

    const good = await plan(
      `version: 1\ncharacters:\n  mouse: { model: models/m.glb, height_meters: 0.05 }\n  giant: { model: models/m.glb, height_meters: 60 }\n`,
    );
    expect(good.stderr).toContain("Plan: 2 to create");
    expect(good.code).toBe(EXIT.OK);
  });
});
