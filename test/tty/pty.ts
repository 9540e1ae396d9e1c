/**
 * rigup on a real pseudo-terminal, as a person runs it: util-linux `script`
 * allocates the pty, the CLI runs from source (tsx) inside it. What the test
 * types goes to the terminal's input (so "\x03" is a Ctrl-C the line
 * discipline turns into SIGINT); everything the terminal shows comes back.
 * Skipped where `script` is missing outside CI; in CI that fails (.ci/run
 * installs it with .ci/install-packages.sh).
 */
import { spawn, spawnSync } from "node:child_process";
import { follow, RIGUP, shellEnv, type Running } from "../helpers/spawn.js";

export const hasScript = spawnSync("script", ["--version"], { encoding: "utf8" }).stdout?.includes("util-linux") ?? false;
if (!hasScript && process.env.CI) throw new Error("util-linux `script` is missing in CI: .ci/install-packages.sh should have installed it");
if (!hasScript) console.warn("pty tests SKIPPED: util-linux `script` not found (install it with .ci/install-packages.sh)");

export interface PtyOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Shell redirection of the CLI's stdout inside the terminal, e.g. `> log`. */
  stdoutTo?: string;
  columns?: number;
  rows?: number;
  /** Hard limit on the run; the process is killed after it. */
  timeoutMs?: number;
}

export interface PtyRun extends Running {
  /** Types into the terminal. */
  type(text: string): void;
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `rigup <args>` on a pty of the given size (default 100 × 40). */
export function rigupOnPty(args: string[], opts: PtyOptions): PtyRun {
  const cli = [...RIGUP, ...args].map(quote).join(" ");
  const command = `stty cols ${opts.columns ?? 100} rows ${opts.rows ?? 40}; exec ${cli}${opts.stdoutTo ? ` ${opts.stdoutTo}` : ""}`;
  // -e: script exits with the command's code; -f: flush every write; the log file is /dev/null.
  const child = spawn("script", ["-qfec", command, "/dev/null"], {
    cwd: opts.cwd,
    // A person's terminal: not CI, colour as the terminal allows.
    env: shellEnv({ TERM: "xterm-256color", ...opts.env }),
    stdio: ["pipe", "pipe", "pipe"],
  });
  return { ...follow(child, opts.timeoutMs ?? 45_000), type: (s) => void child.stdin.write(s) };
}
