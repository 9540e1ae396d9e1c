/**
 * A bad number in a flag is a usage error naming the flag (exit 3), never an internal error.
 * The commands never start: each value is refused while the flags are parsed.
 */
import { describe, expect, it } from "vitest";
import { EXIT } from "../../src/diagnostics/errors.js";
import { runCli } from "../helpers/cli.js";
import { tempProject } from "../helpers/project.js";

describe("numeric flags", () => {
  it.each([
    ["build", "--concurrency", "0"],
    ["build", "--concurrency", "abc"],
    ["build", "--max-credits", "-1"],
    ["build", "--max-credits", "1.5"],
    ["build", "--max-credits", ""],
    ["preview", "--port", "abc"],
    ["emulator", "--port", "70000"],
    ["emulator", "--queue-limit", "0"],
    ["emulator", "--rate-limit", "fast"],
    ["emulator", "--fault-429", "2"],
    ["emulator", "--seed", "1.5"],
    ["emulator", "--url-ttl", "0"],
    ["emulator", "--rig-ms", "soon"],
  ])("%s %s %j is invalid input naming the flag", async (command, flag, value) => {
    const project = await tempProject();
    const run = await runCli([command, `${flag}=${value}`], { cwd: project.dir });
    expect(run.code).toBe(EXIT.INVALID_INPUT);
    expect(run.stderr).not.toContain("internal error");
    expect(run.stderr).toContain(`error: option '${flag} <`);
    expect(run.stderr).toContain(`argument '${value}' is invalid`);
  });
});
