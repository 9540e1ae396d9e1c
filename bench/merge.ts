/**
 * Merging a character's files into one GLB (src/merge/): bytes of the merged
 * file against the files it replaces (rig + walking + running + one per
 * action), and the time to merge.
 *
 * - example: examples/ built by the CLI on the emulator, in a temp copy.
 * - 200x10: 200 characters x 10 actions made by the emulator's generator (each
 *   character its own seed, so its own skeleton), merged one at a time; only the
 *   merges are timed, not the generation.
 *
 * Two option sets: "plain" (keep root motion, no resampling, no compression)
 * and "packed" (in place, resample, meshopt). Reports; never fails on slowness.
 */
import { spawnSync } from "node:child_process";
import { cp } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { CATALOG } from "../src/emulator/library.js";
import { buildHumanoid, type ClipSpec } from "../src/gltf/humanoid.js";
import { loadManifest } from "../src/manifest/load.js";
import { readMergeInputs } from "../src/merge/inputs.js";
import { mergeSources } from "../src/manifest/layout.js";
import { mergeCharacter, type ClipSource, type MergeOptions } from "../src/merge/merge-character.js";
import { ROOT } from "./lib/cli.js";
import { removeDir, tempDir } from "./lib/project.js";
import { figure } from "./lib/report.js";

const OPTIONS: Record<string, MergeOptions> = {
  plain: { rootMotion: "keep", resample: false, meshopt: false },
  packed: { rootMotion: "in_place", resample: true, meshopt: true },
};
const CHARACTERS = 200;
const ACTIONS = 10;
const FPS = 30;

interface Character {
  rig: { bytes: Uint8Array; source: string };
  clips: ClipSource[];
}

/** Merges every character with `options`: bytes in and out, and the time spent merging. */
async function mergeAll(characters: () => AsyncGenerator<Character>, options: MergeOptions) {
  let merged = 0;
  let replaced = 0;
  let count = 0;
  let ms = 0;
  for await (const { rig, clips } of characters()) {
    const t = performance.now();
    const { glb } = await mergeCharacter(rig, clips, options);
    ms += performance.now() - t;
    merged += glb.length;
    replaced += rig.bytes.length + clips.reduce((n, c) => n + c.bytes.length, 0);
    count++;
  }
  return { merged, replaced, count, ms };
}

function report(name: string, r: Awaited<ReturnType<typeof mergeAll>>): void {
  figure(`${name}.bytes`, `merged ${r.merged}, replaced ${r.replaced}, ratio ${(r.merged / r.replaced).toFixed(3)}`);
  figure(`${name}.time`, `${(r.ms / 1000).toFixed(2)} s (${(r.ms / r.count).toFixed(1)} ms per character)`);
}

/** examples/ built with `rigup build --emulator` (from source, as a user's shell runs it) in a temp copy. */
async function buildExample(): Promise<string> {
  const dir = await tempDir("merge-example");
  for (const entry of ["characters.yaml", "models", "textures"])
    await cp(join(ROOT, "examples", entry), join(dir, entry), { recursive: true });
  const tsx = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const run = spawnSync(process.execPath, ["--import", tsx, join(ROOT, "src/cli/bin.ts"), "build", "--emulator"], {
    cwd: dir,
    env: { ...process.env, CI: "true", NO_COLOR: "1" },
    encoding: "utf8",
    timeout: 120_000,
  });
  if (run.status !== 0) throw new Error(`rigup build --emulator failed (${run.status}):\n${run.stderr}`);
  return dir;
}

const example = await buildExample();
try {
  const { resolved } = await loadManifest(join(example, "characters.yaml"));
  const characters = async function* () {
    for (const c of resolved.characters) yield await readMergeInputs(join(example, "out"), mergeSources(c.name, c.actions));
  };
  for (const [label, options] of Object.entries(OPTIONS))
    report(`merge.example${label === "plain" ? "" : `.${label}`}`, await mergeAll(characters, options));
} finally {
  await removeDir(example);
}

// As the emulator makes them: the rig's walking and running clips, and ten library actions at 30 fps.
const specs: { name: string; spec: ClipSpec }[] = [
  { name: "walking", spec: { name: "Walking", durationSec: 1.1, fps: FPS, motion: "walk" } },
  { name: "running", spec: { name: "Running", durationSec: 0.7, fps: FPS, motion: "run" } },
  ...CATALOG.slice(0, ACTIONS).map((a) => ({
    name: `action-${a.action_id}`,
    spec: { name: a.name, durationSec: a.durationSec, fps: FPS, motion: a.motion },
  })),
];
// Generated once and kept (~40 KB a file, ~100 MB in all) so both option sets merge the same bytes.
const synthetic: Character[] = [];
const generation = performance.now();
for (let i = 0; i < CHARACTERS; i++) {
  const base = { heightMeters: 1.5 + (i % 5) * 0.1, seed: `c${i}`, skinned: true } as const;
  const clips: ClipSource[] = [];
  for (const { name, spec } of specs)
    clips.push({ name, bytes: await buildHumanoid({ ...base, clip: spec }), source: `c${i}/${name}.glb` });
  synthetic.push({ rig: { bytes: await buildHumanoid(base), source: `c${i}/rig/c${i}.glb` }, clips });
}
figure("merge.200x10.generate", `${((performance.now() - generation) / 1000).toFixed(1)} s (not part of the merge time)`);
const all = async function* () {
  yield* synthetic;
};
for (const [label, options] of Object.entries(OPTIONS))
  report(`merge.${CHARACTERS}x${ACTIONS}${label === "plain" ? "" : `.${label}`}`, await mergeAll(all, options));
