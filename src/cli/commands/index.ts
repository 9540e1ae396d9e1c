/**
 * Every command, registered with its options and help. Registration is cheap:
 * each command imports its implementation lazily inside its action.
 */
import type { Command } from "commander";
import type { CliEnv } from "../env.js";
import { registerActionsCommand } from "./actions.js";
import { registerBuildCommand } from "./build.js";
import { registerCacheKeyCommand } from "./cache-key.js";
import { registerCheckCommand } from "./check.js";
import { registerEmulatorCommand } from "./emulator.js";
import { registerInitCommand } from "./init.js";
import { registerLockCommand } from "./lock.js";
import { registerPlanCommand } from "./plan.js";
import { registerPreviewCommand } from "./preview.js";
import { registerPruneCommand } from "./prune.js";
import { registerRefreshCommand } from "./refresh.js";
import { registerStatusCommand } from "./status.js";
import { registerStoreCommands } from "./store.js";
import { registerVerifyCommand } from "./verify.js";

export function registerCommands(program: Command, ctx: CliEnv, setExit: (code: number) => void): void {
  registerPlanCommand(program, ctx, setExit);
  registerBuildCommand(program, ctx, setExit);
  registerEmulatorCommand(program, ctx);
  registerPreviewCommand(program, ctx, setExit);
  registerLockCommand(program, ctx, setExit);
  registerInitCommand(program, ctx, setExit);
  registerCheckCommand(program, ctx, setExit);
  registerStatusCommand(program, ctx, setExit);
  registerStoreCommands(program, ctx, setExit);
  registerVerifyCommand(program, ctx, setExit);
  registerRefreshCommand(program, ctx, setExit);
  registerPruneCommand(program, ctx, setExit);
  registerCacheKeyCommand(program, ctx, setExit);
  registerActionsCommand(program, ctx, setExit);
}
