/**
 * What the CLI knows about where it runs. Only src/cli touches `process`; commands
 * receive this, so they run in-process in tests with captured streams.
 */
import type { Writable } from "node:stream";

export interface CliEnv {
  argv: string[];
  env: Record<string, string | undefined>;
  cwd: string;
  stdout: Writable;
  stderr: Writable;
  /** stderr is an interactive terminal (spinners, prompts allowed). */
  isTTY: boolean;
  /** ANSI colour on stderr. Off with NO_COLOR, in CI, or when not a TTY (FORCE_COLOR turns it on). */
  color: boolean;
  /** Running in CI (`CI` set): no prompts, plain lines. */
  ci: boolean;
  /** Asks a yes/no question on the terminal; undefined when there is no TTY. Ctrl-C while asking interrupts (signals) and answers no. */
  confirm?: (question: string) => Promise<boolean>;
  /** Ctrl-C handling is installed by main; commands subscribe. */
  signals: SignalHub;
}

export interface SignalHub {
  /** Called on the first SIGINT/SIGTERM; the second exits at once. */
  onInterrupt(handler: () => void): () => void;
}

export function detectColor(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== "0") return true;
  return isTTY && !isCi(env) && env.TERM !== "dumb";
}

export function isCi(env: Record<string, string | undefined>): boolean {
  return env.CI !== undefined && env.CI !== "" && env.CI !== "0" && env.CI !== "false";
}
