/**
 * Input echoed back in errors cannot drive the terminal: a name or key holding ESC is refused
 * (exit 3) and shown escaped (`\x1b`), in the source excerpt, the field path and the message.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";
import { glbBytes } from "./fixtures.js";

const ESC = "\u001b";
const RED = `${ESC}[31m`;

describe("control characters in the manifest", () => {
  it("refuses a character name holding ESC and prints it escaped, caret under the spot", async () => {
    const project = await tempProject({
      "characters.yaml": `version: 1\ncharacters:\n  kn${RED}ight: { model: models/m.glb }\n  mage: { model: "m${RED}.glb", heigth: 1 }\n  elf:\n    model: models/m.glb\n    he${RED}ight: 1\n`,
    });
    await project.write("models/m.glb", glbBytes());
    const run = await runCli(["plan"], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).not.toContain(ESC);
    expect(run.stderr).toContain('name "kn\\x1b[31might" must be a safe file name');
    expect(run.stderr).toContain('unknown field "he\\x1b[31might"');
    expect(run.stderr).toContain("     3 |   kn\\x1b[31might: { model: models/m.glb }");
    // The caret stays under `heigth` although the escape before it made the line 3 characters wider.
    const lines = run.stderr.split("\n");
    const source = lines.findLastIndex((l) => l.startsWith("     4 |"));
    expect(lines[source]).toBe('     4 |   mage: { model: "m\\x1b[31m.glb", heigth: 1 }');
    expect(lines[source + 1]!.indexOf("^")).toBe(lines[source]!.indexOf("heigth"));
  });

  it("prints a flag holding ESC escaped in the usage error", async () => {
    const project = await tempProject();
    const run = await runCli(["plan", `--${RED}`], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).toContain("unknown option '--\\x1b[31m'");
    expect(run.stderr).not.toContain(ESC);
  });
});
