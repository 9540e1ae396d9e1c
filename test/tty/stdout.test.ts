/**
 * `rigup build > log` on a terminal (issue 10, item 6): progress is drawn on
 * the terminal (stderr) and nothing of it reaches stdout; with --json stdout
 * holds JSON lines only.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { twoCharacterProject } from "../helpers/project.js";
import { hasScript, rigupOnPty } from "./pty.js";
import { screen } from "./screen.js";

const UNITS = [
  "hero/rig",
  "hero/animations/action-0",
  "hero/animations/action-4",
  "hero/animations/action-8",
  "goblin/rig",
  "goblin/animations/action-2",
  "goblin/animations/action-16",
];

describe.skipIf(!hasScript)("stdout redirected, stderr a terminal", () => {
  it("the task list goes to the terminal; stdout gets nothing, or only JSON lines with --json", { timeout: 90_000 }, async () => {
    const project = await twoCharacterProject();
    const human = await rigupOnPty(["build", "--emulator"], { cwd: project.dir, stdoutTo: "> build.log" }).ended;
    expect(human.code, human.output).toBe(0);
    expect(await readFile(join(project.dir, "build.log"), "utf8")).toBe("");
    const lines = screen(human.output);
    // The task list: a row per unit as it finished (the plan lists the units with `+`, never ✔).
    for (const key of UNITS)
      expect(lines, lines.join("\n")).toContainEqual(expect.stringMatching(new RegExp(`^ *✔ ${key}(?: · \\S+)? +created`)));
    expect(lines).toContainEqual(expect.stringMatching(/^Done: 7 created/));

    const again = await twoCharacterProject();
    const json = await rigupOnPty(["build", "--emulator", "--json"], { cwd: again.dir, stdoutTo: "> build.ndjson" }).ended;
    expect(json.code, json.output).toBe(0);
    const types = (await readFile(join(again.dir, "build.ndjson"), "utf8"))
      .trimEnd()
      .split("\n")
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types[0]).toBe("plan");
    expect(types.at(-1)).toBe("run:done");
  });
});
