/**
 * Every command, registered with its options and help. Registration is cheap:
 * each command imports its implementation lazily inside its action.
 */
import type { Command } from "commander";
import type { CliEnv } from "../env.js";
import { registerBuildCommand } from "./build.js";
import { registerEmulatorCommand } from "./emulator.js";
import { registerPlanCommand } from "./plan.js";
import { registerPreviewCommand } from "./preview.js";

export function registerCommands(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  registerPlanCommand(program, ctx, setExit);
  registerBuildCommand(program, ctx, setExit);
  registerEmulatorCommand(program, ctx);
  registerPreviewCommand(program, ctx, setExit);
}
