/**
 * No-op latency: `rigup build` (and `rigup check`) with everything up to date,
 * 200 characters x 10 actions, as a multiple of `node -e 0`, with outputs of
 * ~100 MB and then over 1 GB: the warm path must only stat, never hash.
 *
 * The tree is synthesised: one real build of one character against the emulator
 * gives the lockfile entries and file bytes; 200 copies are written through the
 * lockfile library, each file padded with a sparse hole to the wanted size (so
 * 1 GB costs little disk) and its sha256 taken of the real content.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, open, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { startEmulator } from "../src/emulator/index.js";
import { readLockfile } from "../src/lockfile/read.js";
import type { Lockfile, UnitEntry } from "../src/lockfile/schema.js";
import { writeLockfile } from "../src/lockfile/write.js";
import { runBuild } from "./lib/build.js";
import { BIN, cliHas, ensureDist, ROOT, timeNode } from "./lib/cli.js";
import { BUILD_MODULES, noopPhases } from "./lib/noop-phases.js";
import { makeProject, manifestYaml, removeDir } from "./lib/project.js";
import { figure } from "./lib/report.js";

const CHARACTERS = 200;
const ACTIONS = 10;
/** Smallest output file size: 0 keeps the real files (~100 MB in all), 192 KiB gives just over 1 GB (28 files per character). */
const PAD_TO = { "100MB": 0, "1GB": 192 * 1024 };

ensureDist();
const dir = await makeProject("noop", 1, ACTIONS);
try {
  const emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  try {
    await runBuild(dir, emulator, { concurrency: 10, requestsPerSecond: 20 });
  } finally {
    await emulator.close();
  }
  const template = await readLockfile(join(dir, "characters.lock"));
  const bytes = new Map<string, Buffer>();
  for (const unit of units(template.characters.c0!)) {
    for (const f of Object.values(unit.files)) bytes.set(f.path, await readFile(join(dir, "out", f.path)));
  }
  const model = await readFile(join(dir, "models/c0.glb"));
  await writeFile(join(dir, "characters.yaml"), manifestYaml(CHARACTERS, ACTIONS));
  for (let i = 0; i < CHARACTERS; i++) await writeFile(join(dir, "models", `c${i}.glb`), model);

  // A no-op build must not need Meshy: point it at a closed port.
  const env = { MESHY_API_BASE: "http://127.0.0.1:9", MESHY_API_KEY: "msy_bench_no_network" };
  const node = timeNode(["-e", "0"]).medianMs;
  const commands: [string, string[]][] = [["build", [BIN, "build", "--yes"]]];
  // bench/check.ts (a colleague's) measures check when present.
  if (cliHas("check") && !existsSync(join(ROOT, "bench/check.ts"))) commands.push(["check", [BIN, "check"]]);

  for (const [label, padTo] of Object.entries(PAD_TO)) {
    const total = await synthesise(template, bytes, padTo);
    figure(`noop.${label}.output-total`, total / 2 ** 20, { unit: "MiB", digits: 0 });
    for (const [name, args] of commands) {
      // The first run hashes everything and saves the stat cache; the timed runs only stat.
      const t = timeNode(args, { cwd: dir, env });
      if (t.code !== 0) throw new Error(`${name} exited ${t.code}: ${t.stderr}`);
      figure(`noop.${label}.${name}-over-node`, t.medianMs / node, { target: "<= 4" });
      figure(`noop.${label}.${name}-median`, t.medianMs, { unit: "ms", digits: 0 });
    }
    for (const [phase, ms] of Object.entries(await noopPhases(dir))) figure(`noop.${label}.phase.${phase}`, ms, { unit: "ms", digits: 0 });
  }
  figure("noop.node-e-0-median", node, { unit: "ms", digits: 0 });
  const load = `await Promise.all(${JSON.stringify(BUILD_MODULES)}.map((m) => import(m)))`;
  figure("noop.phase.module-load", timeNode(["--input-type=module", "-e", load]).medianMs - node, { unit: "ms", digits: 0 });
} finally {
  await removeDir(dir);
}

function units(c: Lockfile["characters"][string]): UnitEntry[] {
  return [c.rig!, ...Object.values(c.animations)];
}

/** Writes the 200-character lockfile and tree, each output padded to at least `padTo` bytes; returns the total. */
async function synthesise(template: Lockfile, bytes: Map<string, Buffer>, padTo: number): Promise<number> {
  const shas = new Map<string, string>();
  const sizeOf = (path: string) => Math.max(padTo, bytes.get(path)!.length);
  for (const [path, b] of bytes) {
    shas.set(
      path,
      createHash("sha256")
        .update(b)
        .update(Buffer.alloc(sizeOf(path) - b.length))
        .digest("hex"),
    );
  }
  const lock: Lockfile = { lockfile_version: 3, characters: {} };
  let total = 0;
  for (let i = 0; i < CHARACTERS; i++) {
    const name = `c${i}`;
    const rename = (p: string) => p.replace(/^c0\//, `${name}/`).replace(/\/c0\./, `/${name}.`);
    const copy = structuredClone(template.characters.c0!);
    const rigId = randomUUID();
    for (const unit of units(copy)) {
      unit.task_id = unit === copy.rig ? rigId : randomUUID();
      if ("rig_task_id" in unit) unit.rig_task_id = rigId;
      for (const f of Object.values(unit.files)) {
        const target = join(dir, "out", rename(f.path));
        await mkdir(dirname(target), { recursive: true });
        const size = sizeOf(f.path);
        await writeSparse(target, bytes.get(f.path)!, size);
        total += size;
        Object.assign(f, { path: rename(f.path), size, sha256: shas.get(f.path)! });
      }
    }
    lock.characters[name] = copy;
  }
  await writeLockfile(join(dir, "characters.lock"), lock);
  return total;
}

/** `content` followed by a hole up to `size`: reads as zeros, takes no disk. */
async function writeSparse(file: string, content: Buffer, size: number): Promise<void> {
  const handle = await open(file, "w");
  try {
    await handle.write(content);
    await handle.truncate(size);
  } finally {
    await handle.close();
  }
}
