/** Options every project command shares, and turning them into ProjectOptions. */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CliEnv } from "../env.js";
import type { ProjectOptions } from "../../project.js";
import { parseShard, shardOf, type Shard } from "../../plan/shard.js";

export interface ProjectFlags {
  manifest?: string;
  out?: string;
  lockfile?: string;
  json?: boolean;
  concurrency?: number;
  apiKeyFile?: string;
  apiBase?: string;
  shard?: Shard;
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

/** `--shard i/n`, shared by plan and build; a malformed value is a usage error (exit 3). */
export const shardOption = () =>
  new Option("--shard <i/n>", "only the characters of shard i of n (a CI matrix; stable: sha256(name) mod n)").argParser((value: string) => {
    try {
      return parseShard(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  });

/** The line plan and build print under `--shard`, so a CI log shows which characters this job owns. */
export function shardNotice(shard: Shard, characters: readonly string[]): string {
  const mine = characters.filter((name) => shardOf(name, shard.count) === shard.index);
  return `Shard ${shard.index}/${shard.count}: ${mine.length ? mine.join(", ") : "no characters"} (${mine.length} of ${characters.length}).\n`;
}
