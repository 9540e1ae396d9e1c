/**
 * `npm run bench` runs every benchmark, `npm run bench -- <name>...` some of them.
 * Each runs in its own child process (clean memory figures, no shared state) and
 * one at a time (they measure wall time on a small machine). Never part of `npm test`.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ensureDist } from "./lib/cli.js";

const dir = import.meta.dirname;
// faults after scheduling: it reuses scheduling's fault-free wall time.
const ALL = ["scheduling", "faults", "noop", "check", "plan-scale", "memory", "merge", "store-pull"].filter((n) =>
  existsSync(join(dir, `${n}.ts`)),
);

const wanted = process.argv.slice(2);
const unknown = wanted.filter((n) => !ALL.includes(n));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${ALL.join(", ")}`);
  process.exit(2);
}

ensureDist();
const env: Record<string, string> = {};
let failed = 0;
for (const name of wanted.length > 0 ? wanted : ALL) {
  console.log(`## ${name}`);
  const started = Date.now();
  const out = await runChild(join(dir, `${name}.ts`), env);
  const wall = /^scheduling\.wall: ([\d.]+) s/m.exec(out.stdout);
  if (wall) env.BENCH_FAULT_FREE_WALL_MS = String(Number(wall[1]) * 1000);
  if (out.code !== 0) failed++;
  console.log(`## ${name}: ${out.code === 0 ? "done" : `FAILED (exit ${out.code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
process.exitCode = failed > 0 ? 1 : 0;

function runChild(file: string, extraEnv: Record<string, string>): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      env: { ...process.env, ...extraEnv },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk;
      process.stdout.write(chunk);
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout }));
  });
}
