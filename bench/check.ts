/**
 * `rigup check` latency: the prebuild hook must cost about as much as starting
 * Node. The first (full) check of each variant leaves the check snapshot; the
 * measured runs are the warm path a pre-build hook takes. A synthetic, up-to-date project of 200 characters x 10 actions (5,600
 * output files) with its lockfile; the stat cache is warmed once; then the median
 * wall time of `node dist/cli/bin.js check` against `node -e 0`.
 *
 * Variant "large": the same tree with every output a 64 MiB sparse file (358 GB
 * apparent, ~0 on disk). Its stat cache is written here from stat() instead of by
 * a first check, which would hash 358 GB: what is measured is the warm path, which
 * must not depend on file size.
 *
 * Run: npx tsx bench/check.ts   (builds dist/ first when missing)
 * `--keep` leaves the projects in the temp dir (for `node --cpu-prof dist/cli/bin.js check` there).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, stat, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { Lockfile } from "../src/lockfile/schema.js";
import { writeLockfile } from "../src/lockfile/write.js";
import { resolveManifest } from "../src/manifest/resolve.js";
import { ManifestSchema } from "../src/manifest/schema.js";
import { animationInputs, rigInputs } from "../src/plan/digest.js";
import { digestOf } from "../src/text/canonical-json.js";
import { animationOutputs, rigOutputs, type OutputFile } from "../src/manifest/layout.js";

const CHARACTERS = 200;
const ACTIONS = 10;
const RUNS = 10;
const KEEP = process.argv.includes("--keep");
const LARGE_SIZE = 64 * 1024 * 1024;
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "dist/cli/bin.js");

const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest("hex");

if (!existsSync(BIN)) {
  console.error("dist/ missing: running npm run build");
  const built = spawnSync("npm", ["run", "build"], { cwd: ROOT, stdio: "inherit" });
  if (built.status !== 0) process.exit(1);
}

/** A 12-byte GLB header (all the manifest loader reads) plus bytes that make each model distinct. */
function model(seed: string): Buffer {
  const tail = Buffer.from(seed);
  const head = Buffer.alloc(12);
  head.write("glTF", 0, "ascii");
  head.writeUInt32LE(2, 4);
  head.writeUInt32LE(12 + tail.length, 8);
  return Buffer.concat([head, tail]);
}

/** Writes manifest, models, outputs and lockfile; returns the project dir and every output path. */
async function makeProject(large: boolean): Promise<{ dir: string; outputs: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), `rigup-bench-check-${large ? "large" : "small"}-`));
  const lines = ["version: 1", "characters:"];
  for (let i = 0; i < CHARACTERS; i++) {
    lines.push(`  c${i}:`, `    model: models/c${i}.glb`, `    actions: [${Array.from({ length: ACTIONS }, (_, a) => a).join(", ")}]`);
  }
  await writeFile(join(dir, "characters.yaml"), `${lines.join("\n")}\n`);
  await mkdir(join(dir, "models"));
  const inputs: Record<string, string> = {};
  for (let i = 0; i < CHARACTERS; i++) {
    const bytes = model(`c${i}`);
    await writeFile(join(dir, "models", `c${i}.glb`), bytes);
    inputs[`models/c${i}.glb`] = sha256(bytes);
  }

  const resolved = resolveManifest(
    ManifestSchema.parse({
      version: 1,
      characters: Object.fromEntries(
        Array.from({ length: CHARACTERS }, (_, i) => [
          `c${i}`,
          { model: `models/c${i}.glb`, actions: Array.from({ length: ACTIONS }, (_, a) => a) },
        ]),
      ),
    }),
  );
  const zeroSha = large ? sha256(Buffer.alloc(LARGE_SIZE)) : "";
  const outputs: string[] = [];
  const writeOutputs = async (wanted: OutputFile[]) => {
    const files: Record<string, { path: string; size: number; sha256: string }> = {};
    for (const f of wanted) {
      const abs = join(dir, "out", f.path);
      await mkdir(dirname(abs), { recursive: true });
      if (large) {
        await writeFile(abs, "");
        await truncate(abs, LARGE_SIZE); // sparse: a hole, no blocks on disk
        files[f.role] = { path: f.path, size: LARGE_SIZE, sha256: zeroSha };
      } else {
        const bytes = `rigup bench output ${f.path}\n`;
        await writeFile(abs, bytes);
        files[f.role] = { path: f.path, size: Buffer.byteLength(bytes), sha256: sha256(bytes) };
      }
      outputs.push(abs);
    }
    return files;
  };
  const now = Date.now();
  const done = {
    state: "succeeded" as const,
    status: "SUCCEEDED" as const,
    intent_at: now,
    created_at: now,
    finished_at: now,
    expires_at: now + 30 * 864e5,
  };
  const lock: Lockfile = { lockfile_version: 3, characters: {} };
  for (const c of resolved.characters) {
    const rigIn = rigInputs(c, { inputs, outputs: {} });
    const rigTask = `rig-${c.name}`;
    const animations: Lockfile["characters"][string]["animations"] = {};
    for (const a of c.actions) {
      const inputsA = animationInputs(a);
      animations[a.name] = {
        ...done,
        task_id: `anim-${c.name}-${a.name}`,
        rig_task_id: rigTask,
        inputs: inputsA,
        digest: digestOf(inputsA),
        files: await writeOutputs(animationOutputs(c.name, a, resolved.formats)),
      };
    }
    lock.characters[c.name] = {
      rig: {
        ...done,
        task_id: rigTask,
        inputs: rigIn,
        digest: digestOf(rigIn),
        files: await writeOutputs(rigOutputs(c.name, resolved.formats)),
      },
      animations,
    };
  }
  await writeLockfile(join(dir, "characters.lock"), lock);
  return { dir, outputs };
}

/** What a first `rigup check` would record, without hashing 358 GB of holes. */
async function seedStatCache(dir: string, outputs: string[]): Promise<void> {
  const entries: Record<string, { size: number; mtimeMs: number; sha256: string }> = {};
  const zeroSha = sha256(Buffer.alloc(LARGE_SIZE));
  for (const file of outputs) {
    const st = await stat(file);
    entries[file] = { size: st.size, mtimeMs: st.mtimeMs, sha256: zeroSha };
  }
  await mkdir(join(dir, ".rigup"), { recursive: true });
  await writeFile(join(dir, ".rigup", "stat-cache.json"), `${JSON.stringify({ version: 1, entries })}\n`);
}

function run(args: string[], cwd: string): { ms: number; status: number | null; stderr: string } {
  const start = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } });
  return { ms: performance.now() - start, status: r.status, stderr: r.stderr };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(args: string[], cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = run(args, cwd);
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}:\n${r.stderr}`);
    times.push(r.ms);
  }
  return median(times);
}

const nodeMs = measure(["-e", "0"], ROOT);
for (const large of KEEP ? [false] : [false, true]) {
  const { dir, outputs } = await makeProject(large);
  try {
    if (large) await seedStatCache(dir, outputs);
    const warm = run([BIN, "check"], dir); // hashes what the cache lacks (all small outputs; the large variant's models), saves it
    if (warm.status !== 0) throw new Error(`warm-up check exited ${warm.status}:\n${warm.stderr}`);
    const checkMs = measure([BIN, "check"], dir);
    const label = large
      ? `check ${CHARACTERS}x${ACTIONS}, ${outputs.length} files of ${LARGE_SIZE >> 20} MiB (sparse)`
      : `check ${CHARACTERS}x${ACTIONS}`;
    console.log(`${label}: ${checkMs.toFixed(0)} ms median; node -e 0: ${nodeMs.toFixed(0)} ms; ratio ${(checkMs / nodeMs).toFixed(1)}`);
  } finally {
    if (KEEP) console.log(`  kept ${dir}`);
    else await rm(dir, { recursive: true, force: true });
  }
}
