/** Options every project command shares, and turning them into ProjectOptions. */
import { Option, type Command } from "commander";
import type { CliEnv } from "../env.js";
import type { ProjectOptions } from "../../project.js";

export interface ProjectFlags {
  manifest?: string;
  out?: string;
  lockfile?: string;
  json?: boolean;
  concurrency?: number;
  apiKeyFile?: string;
  apiBase?: string;
}

export function withProjectOptions(cmd: Command): Command {
  return cmd
    .option("-m, --manifest <file>", "the manifest", "characters.yaml")
    .option("-o, --out <dir>", "output directory (default: config outDir, or ./out beside the manifest)")
    .option("--lockfile <file>", "lockfile path (default: characters.lock beside the manifest)");
}

export const jsonOption = () => new Option("--json", "machine-readable output on stdout (human output stays on stderr)");

export function projectOptions(flags: ProjectFlags, ctx: CliEnv): ProjectOptions {
  return {
    manifest: flags.manifest,
    cwd: ctx.cwd,
    env: ctx.env,
    flags: {
      ...(flags.out ? { outDir: flags.out } : {}),
      ...(flags.lockfile ? { lockfile: flags.lockfile } : {}),
      ...(flags.concurrency !== undefined ? { concurrency: flags.concurrency } : {}),
      ...(flags.apiKeyFile !== undefined ? { apiKeyFile: flags.apiKeyFile } : {}),
      ...(flags.apiBase !== undefined ? { apiBase: flags.apiBase } : {}),
    },
  };
}

/** Integer flag parser for commander. */
export function intArg(name: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${value}"`);
    return n;
  };
}
