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
