/** `rigup check` (and `rigup build --check`): do the outputs match the manifest and lockfile? Offline, fast. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerCheckCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("check"))
    .description(
      "Exit 0 when the outputs match characters.yaml and characters.lock, 2 (one line per problem on stderr) when a build is needed. Offline; meant for a prebuild hook.",
    )
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ checkProject }, { reportCheck }] = await Promise.all([import("../../app/check.js"), import("../../report/check.js")]);
      const result = await checkProject(projectOptions(flags, ctx));
      await reportCheck(result, output(flags, ctx));
      setExit(result.ok ? EXIT.OK : EXIT.CHANGES);
    });
}
