/**
 * Runs the rigup CLI in-process with captured stdout/stderr, no TTY, no colour,
 * like CI does. Returns the exit code and both streams.
 */
import { PassThrough } from "node:stream";
import { main } from "../../src/cli/main.js";
import type { SignalHub } from "../../src/cli/env.js";

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Lets a test interrupt the run as Ctrl-C would. */
  signals?: SignalHub;
  /** Pretend stderr is a terminal. */
  isTTY?: boolean;
  /** Answers the spend prompt as a user on a terminal would. */
  confirm?: (question: string) => Promise<boolean>;
}

export async function runCli(args: string[], opts: RunOptions): Promise<CliRun> {
  const out = capture();
  const err = capture();
  const code = await main(args, {
    cwd: opts.cwd,
    env: { CI: "true", NO_COLOR: "1", ...opts.env },
    stdout: out.stream,
    stderr: err.stream,
    isTTY: opts.isTTY ?? false,
    confirm: opts.confirm,
    signals: opts.signals ?? { onInterrupt: () => () => {} },
  });
  return { code, stdout: out.text(), stderr: err.text() };
}
