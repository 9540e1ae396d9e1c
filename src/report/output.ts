/**
 * Where a command's result goes: `--json` on stdout (human text stays on stderr),
 * or text on stderr only. Renderers write through this; commands build it from
 * their flags and environment.
 */
import type { Writable } from "node:stream";

export interface Output {
  stdout: Writable;
  stderr: Writable;
  /** `--json`: machine-readable output on stdout. */
  json: boolean;
  /** ANSI colour on stderr. */
  color: boolean;
  /** Where rigup runs: paths are shown relative to it. */
  cwd: string;
  /** stderr is a terminal outside CI: live progress. */
  live: boolean;
}

/** One line of JSON on stdout (NDJSON). */
export function jsonLine(out: Pick<Output, "stdout">, value: unknown): void {
  out.stdout.write(`${JSON.stringify(value)}\n`);
}

/** A pretty-printed JSON document on stdout. */
export function jsonDocument(out: Pick<Output, "stdout">, value: unknown): void {
  out.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Lines on stderr, each ended by a newline. */
export function writeLines(out: Pick<Output, "stderr">, lines: readonly string[]): void {
  out.stderr.write(`${lines.join("\n")}\n`);
}
