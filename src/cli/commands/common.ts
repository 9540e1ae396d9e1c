/**
 * What the commands share: their options, and turning flags and the CLI's
 * environment into a use case's ProjectOptions and a renderer's Output.
 */
import { InvalidArgumentError, Option, type Command } from "commander";
import type { CliEnv } from "../env.js";
import type { ProjectOptions } from "../../app/project.js";
import type { Output } from "../../report/output.js";
import { parseShard, type Shard } from "../../plan/shard.js";

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
    .option(
      "-m, --manifest <file>",
      "the manifest (default: characters.yaml here or in the nearest folder above, up to the repository root)",
    )
    .option("-o, --out <dir>", "output directory (default: config outDir, or ./out beside the manifest)")
    .option("--lockfile <file>", "lockfile path (default: characters.lock beside the manifest)");
}

/**
 * `--store URL`, for the commands that use the team store; `--no-store` too for those that work without
 * one (plan, build), not for those that exist to use it (pull, push).
 */
export function withStoreOptions(cmd: Command, store: "optional" | "required"): Command {
  cmd.option("--store <url>", "the team store: s3://bucket/prefix, file:///path or a folder (default: $RIGUP_STORE, config store)");
  return store === "optional" ? cmd.option("--no-store", "do not use the team store this time") : cmd;
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
  new Option("--shard <i/n>", "only the characters of shard i of n (a CI matrix; stable: sha256(name) mod n)").argParser(
    (value: string) => {
      try {
        return parseShard(value);
      } catch (err) {
        throw new InvalidArgumentError((err as Error).message);
      }
    },
  );

/** `--replace`, shared by `plan` and `build`: re-make units on purpose, the way terraform's `-replace` does. */
export function replaceOption(): Option {
  return new Option(
    "--replace <unit>",
    "re-make this character (its rig and so all its clips) or unit (knight/rig, knight/animations/attack) even if up to date; paid, shown in the plan (repeatable)",
  ).argParser((value: string, previous: string[] = []) => [...previous, value]);
}

/** Where a command's result goes (report/output.ts): `--json` on stdout, text on stderr. */
export function output(flags: { json?: boolean }, ctx: CliEnv): Output {
  return { stdout: ctx.stdout, stderr: ctx.stderr, json: Boolean(flags.json), color: ctx.color, cwd: ctx.cwd, live: ctx.isTTY && !ctx.ci };
}
