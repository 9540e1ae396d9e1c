/**
 * rigup as a separate process, run from source (tsx), the way a user's shell
 * runs it: its own argv, env, cwd, exit code and streams. In CI mode unless the
 * caller's env says otherwise.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach } from "vitest";
import type { CliRun } from "./cli.js";

export const ROOT = join(import.meta.dirname, "../..");
// Resolve tsx from the repo, not from the temp project the CLI runs in.
export const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

/** The command line that starts rigup from source: `[node, --import, tsx, src/cli/bin.ts]`. */
export const RIGUP = [process.execPath, "--import", TSX, join(ROOT, "src/cli/bin.ts")];

/** The environment of a user's shell: nothing from the npm or vitest process running the test. */
export function shellEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^(npm_|VITEST|NODE_OPTIONS$|MESHY_|CI$|NO_COLOR$|FORCE_COLOR$)/i.test(k)),
  );
  return { ...env, ...extra };
}

export interface Ended {
  code: number | null;
  signal: string | null;
  at: number;
  stdout: string;
  stderr: string;
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Killed after this long (default 60 s). */
  timeoutMs?: number;
  /** A prefix for the command line (e.g. `setpriv` to run as another user). */
  wrapper?: string[];
}

/** Starts `rigup <args>`, stdout and stderr kept apart; `child` is there to be killed mid-run. */
export function startRigup(args: string[], opts: SpawnOptions): { child: ChildProcess; ended: Promise<Ended> } {
  const [file, ...rest] = [...(opts.wrapper ?? []), ...RIGUP, ...args];
  const child = spawn(file!, rest, {
    cwd: opts.cwd,
    env: shellEnv({ CI: "true", NO_COLOR: "1", ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on("data", (c: Buffer) => (stderr += c.toString()));
  const limit = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 60_000);
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(limit);
      resolve({ code, signal, at: Date.now(), stdout, stderr });
    });
  });
  return { child, ended };
}

/** Runs `rigup <args>` to its end. */
export function rigup(args: string[], opts: SpawnOptions): Promise<Ended> {
  return startRigup(args, opts).ended;
}

/** `rigup` to its end, as `runCli` reports it (-1 when killed). */
export async function spawnRigup(args: string[], opts: SpawnOptions): Promise<CliRun> {
  const { code, stdout, stderr } = await rigup(args, opts);
  return { code: code ?? -1, stdout, stderr };
}

/** A process a test talks to while it runs. */
export interface Running {
  /** Everything it wrote so far, stdout and stderr interleaved as they arrived. */
  output(): string;
  /** Resolves once the output matches; rejects when the process ends or `timeoutMs` passes first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  ended: Promise<{ code: number | null; output: string }>;
}

// A failed assertion must not leave a process running.
const live = new Set<ChildProcess>();
afterEach(() => {
  for (const child of live) child.kill("SIGKILL");
  live.clear();
});

/** Follows a child's output; kills it after `timeoutMs` or when the test ends. */
export function follow(child: ChildProcess, timeoutMs: number): Running {
  live.add(child);
  let text = "";
  let done = false;
  const waiters = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    text += chunk.toString("utf8");
    for (const w of waiters) w();
  };
  child.stdout?.on("data", onData);
  child.stderr?.on("data", onData);
  const limit = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  const ended = new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(limit);
      live.delete(child);
      done = true;
      for (const w of waiters) w();
      resolve({ code, output: text });
    });
  });
  return {
    output: () => text,
    waitFor(pattern, waitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => finish(new Error(`timed out waiting for ${pattern}; output so far:\n${text}`)), waitMs);
        const check = () => {
          const match = pattern.exec(text);
          if (match) finish(undefined, match);
          else if (done) finish(new Error(`the process ended before ${pattern} showed; output:\n${text}`));
        };
        const finish = (error?: Error, match?: RegExpExecArray) => {
          clearTimeout(timer);
          waiters.delete(check);
          if (error) reject(error);
          else resolve(match!);
        };
        waiters.add(check);
        check();
      });
    },
    ended,
  };
}

/** Starts `rigup <args>` in the background (a server, a long build); stop it with `stop`. */
export function launchRigup(args: string[], opts: { cwd: string; env?: Record<string, string | undefined>; timeoutMs?: number }) {
  const child = spawn(RIGUP[0]!, [...RIGUP.slice(1), ...args], {
    cwd: opts.cwd,
    env: shellEnv({ CI: "true", NO_COLOR: "1", ...opts.env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const running = follow(child, opts.timeoutMs ?? 60_000);
  return {
    ...running,
    /** Ctrl-C, as a user stops it. */
    stop() {
      child.kill("SIGINT");
      return running.ended;
    },
  };
}
