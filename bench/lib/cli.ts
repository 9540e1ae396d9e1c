/** The built CLI (dist/) as users run it: a fresh `node` process per command. */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { median } from "./report.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const BIN = fileURLToPath(new URL("../../dist/cli/bin.js", import.meta.url));

/** Compiles dist/ when it is missing (`npm run build`). */
export function ensureDist(): void {
  if (existsSync(BIN)) return;
  const r = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (r.status !== 0) throw new Error("npm run build failed");
}

/** Whether the built CLI lists `command` in its help (commander answers `<unknown> --help` with 0). */
export function cliHas(command: string): boolean {
  const help = spawnSync(process.execPath, [BIN, "--help"], { encoding: "utf8" }).stdout;
  return new RegExp(`^\\s+${command}\\b`, "m").test(help);
}

export interface Timed {
  medianMs: number;
  code: number | null;
  stderr: string;
}

/** Median wall time of `runs` runs of `node <args>`, after one unmeasured warm-up run. */
export function timeNode(args: string[], opts: { cwd?: string; env?: Record<string, string>; runs?: number } = {}): Timed {
  const env = { ...process.env, CI: "true", NO_COLOR: "1", ...opts.env };
  const run = () => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: opts.cwd ?? ROOT, env, encoding: "utf8" });
    return { ms: performance.now() - t, code: r.status, stderr: r.stderr };
  };
  run();
  const results = Array.from({ length: opts.runs ?? 7 }, run);
  const last = results.at(-1)!;
  return { medianMs: median(results.map((r) => r.ms)), code: last.code, stderr: last.stderr };
}
