/**
 * YAML aliases rigup cannot expand are input errors (exit 3) with file and line, never an
 * internal error: nested aliases that expand exponentially ("billion laughs"), and an alias
 * with no anchor before it.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

/** Nine levels of nine aliases each: 9^9 (387 million) strings once expanded. */
function billionLaughs(): string {
  const levels = ["l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  for (let i = 1; i < 9; i++)
    levels.push(
      `l${i}: &l${i} [${Array(9)
        .fill(`*l${i - 1}`)
        .join(", ")}]`,
    );
  return `version: 1\n${levels.join("\n")}\ncharacters: {}\n`;
}

describe("YAML aliases", () => {
  it("refuses a billion-laughs manifest as invalid input, quickly", async () => {
    const project = await tempProject({ "characters.yaml": billionLaughs() });
    const started = Date.now();
    const run = await runCli(["plan"], { cwd: project.dir });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).not.toContain("internal error");
    // Line 4: the first alias of a node that itself holds aliases (l1's are plain copies).
    expect(run.stderr).toContain("on characters.yaml line 4, column 10:");
    expect(run.stderr).toContain('YAML aliases nest too deep: they would expand to an enormous document (the "billion laughs" attack)');
  });

  it("refuses an alias with no anchor before it, where it is", async () => {
    const project = await tempProject({ "characters.yaml": "version: 1\ncharacters:\n  knight: *hero\n" });
    const run = await runCli(["plan"], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).not.toContain("internal error");
    expect(run.stderr).toContain("on characters.yaml line 3, column 11:");
    expect(run.stderr).toContain("YAML alias *hero has no anchor &hero before it");
  });
});
