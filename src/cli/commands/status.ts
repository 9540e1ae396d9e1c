/** `rigup status`: each character's rig, its expiry, and what is out of date. Offline. */
import type { Command } from "commander";
import { EXIT } from "../../diagnostics/errors.js";
import type { CliEnv } from "../env.js";
import { jsonOption, output, projectOptions, withProjectOptions, type ProjectFlags } from "./common.js";

export function registerStatusCommand(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  withProjectOptions(program.command("status"))
    .description("Show each character's rig task, when it expires, and which clips are up to date or out of date. Offline.")
    .addOption(jsonOption())
    .action(async (flags: ProjectFlags) => {
      const [{ statusOfProject }, { reportStatus }] = await Promise.all([import("../../app/status.js"), import("../../report/status.js")]);
      reportStatus(await statusOfProject(projectOptions(flags, ctx)), output(flags, ctx));
      setExit(EXIT.OK);
    });
}
