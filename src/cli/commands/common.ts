/** Options every project command shares, and turning them into ProjectOptions. */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CliEnv } from "../env.js";
import type { ProjectOptions } from "../../app/project.js";
import { parseShard, shardOf, type Shard } from "../../plan/shard.js";

export interface ProjectFlags {
  manifest?: string;
  out?: string;
  lockfile?: string;
  json?: boolean;
  concurrency?: number;
  apiKeyFile?: string;
  apiBase?: string;
  apiVersion?: number;
  shard?: Shard;
  /** `--store URL`; false for `--no-store`. */
  store?: string | false;
}

export function withProjectOptions(cmd: Command): Command {
  return cmd
    .option("-m, --manifest <file>", "the manifest (default: characters.yaml here or in the nearest folder above, up to the repository root)")
    .option("-o, --out <dir>", "output directory (default: config outDir, or ./out beside the manifest)")
    .option("--lockfile <file>", "lockfile path (default: characters.lock beside the manifest)");
}

/** `--store URL` / `--no-store`, for the commands that use the team store. */
export function withStoreOptions(cmd: Command): Command {
  return cmd
    .option("--store <url>", "the team store: s3://bucket/prefix, file:///path or a folder (default: $RIGUP_STORE, config store)")
    .option("--no-store", "do not use the team store this time");
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
      ...(flags.apiVersion !== undefined ? { apiVersion: flags.apiVersion } : {}),
      ...(flags.store !== undefined ? { store: flags.store } : {}),
    },
  };
}

/**
 * A numeric flag's parser for commander. A bad value is an InvalidArgumentError, which commander
 * reports as a usage error naming the flag (exit 3) instead of a crash.
 */
export function numberArg(name: string, { min = 0, max = Number.MAX_SAFE_INTEGER, integer = false } = {}): (value: string) => number {
  const kind = integer ? "an integer" : "a number";
  const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
  return (value) => {
    // Number("") and Number(" ") are 0: an empty value is not a number.
    const n = value.trim() === "" ? NaN : Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be ${kind} ${range}, got "${value}"`);
    }
    return n;
  };
}

/** Integer flag parser for commander. */
export function intArg(name: string, min = 0, max = Number.MAX_SAFE_INTEGER): (value: string) => number {
  return numberArg(name, { min, max, integer: true });
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
