/**
 * `--json` callers read stdout only: an invalid manifest is reported there as one JSON object,
 * with every problem's position, while the human text stays on stderr. Exit code 3.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

const INVALID = "version: 1\ncharacters:\n  knight:\n    model: models/knight.glb\n    heigth_meters: 2\n";

describe("--json with an invalid manifest", () => {
  it.each(["plan", "build", "check", "status", "verify", "prune", "cache-key"])(
    "rigup %s --json prints the problems as JSON on stdout",
    async (command) => {
      const project = await tempProject({ "characters.yaml": INVALID });
      const run = await runCli([command, "--json"], { cwd: project.dir });
      expect(run.code).toBe(EXIT.INVALID_INPUT);
      expect(JSON.parse(run.stdout)).toEqual({
        type: "error",
        code: "MANIFEST_INVALID",
        message: "characters.yaml has 2 problems",
        diagnostics: [
          expect.objectContaining({
            file: `${project.dir}/characters.yaml`,
            line: 4,
            column: 12,
            field: "characters.knight.model",
            message: 'cannot read "models/knight.glb": file not found',
          }),
          expect.objectContaining({
            file: `${project.dir}/characters.yaml`,
            line: 5,
            column: 5,
            field: "characters.knight.heigth_meters",
            message: 'unknown field "heigth_meters"',
          }),
        ],
      });
      expect(run.stderr).toContain("Error: characters.yaml has 2 problems");
      expect(run.stderr).toContain("Hint: did you mean height_meters?");
    },
  );
});

describe("an action written as a name", () => {
  it("rigup plan names the library's ids it may mean, and spends nothing", async () => {
    const project = await tempProject({
      "characters.yaml": "version: 1\ncharacters:\n  knight:\n    model: models/knight.glb\n    actions: [idle]\n",
    });
    const run = await runCli(["plan", "--json"], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    const diagnostics = (JSON.parse(run.stdout) as { diagnostics: { field: string; message: string; hint?: string }[] }).diagnostics;
    expect(diagnostics.find((d) => d.field === "characters.knight.actions[0]")).toEqual(
      expect.objectContaining({
        message: `an action is an id from Meshy's animation library (a number), not a name: got "idle"`,
        // From the library shipped with rigup: the plan works offline and without a key.
        hint: "did you mean 0 (Idle) or 11 (Idle_02) or 12 (Idle_03)? `rigup actions idle` searches the library by name",
      }),
    );
  });
});
