/**
 * Planner scale: `npx tsx bench/plan-scale.ts`. Prints one line per size, the median
 * of a few runs after a warm-up. Target: 10,000 characters x 20 actions under 1 s.
 * Not a test: timings depend on the machine (tests never assert timings).
 */
import { performance } from "node:perf_hooks";
import type { AnimationEntry, Lockfile, RigEntry } from "../src/lockfile/schema.js";
import type { ResolvedCharacter, ResolvedManifest } from "../src/manifest/resolve.js";
import { animationInputs, rigInputs } from "../src/plan/digest.js";
import { digestOf } from "../src/text/canonical-json.js";
import { animationOutputs, rigOutputs, type OutputFile } from "../src/manifest/layout.js";
import { plan } from "../src/plan/plan.js";
import type { Facts, PlanInput } from "../src/plan/types.js";

const NOW = Date.UTC(2026, 10, 23);
const DAY = 86_400_000;
const FAKE_SHA = "ab".repeat(32);

function build(chars: number, actionsPer: number): PlanInput {
  const manifest: ResolvedManifest = { formats: ["glb", "fbx"], characters: [] };
  const lock: Lockfile = { lockfile_version: 3, characters: {} };
  const facts: Facts = { inputs: {}, outputs: {} };
  const record = (files: OutputFile[]) => {
    const out: RigEntry["files"] = {};
    for (const f of files) {
      out[f.role] = { path: f.path, size: 1000, sha256: FAKE_SHA };
      facts.outputs[f.path] = { size: 1000, sha256: FAKE_SHA };
    }
    return out;
  };
  for (let i = 0; i < chars; i++) {
    const name = `char-${i}`;
    const c: ResolvedCharacter = {
      name,
      source: { kind: "file", path: `models/${name}.glb` },
      heightMeters: 1.7,
      texture: null,
      actions: Array.from({ length: actionsPer }, (_, a) => ({ name: `action-${a}`, actionId: a, postProcess: null })),
    };
    facts.inputs[`models/${name}.glb`] = digestOf(name);
    manifest.characters.push(c);
    const inputs = rigInputs(c, facts);
    const rig: RigEntry = {
      digest: digestOf(inputs),
      inputs,
      state: "succeeded",
      intent_at: NOW - DAY,
      task_id: `rig-${i}`,
      expires_at: NOW + 30 * DAY,
      files: record(rigOutputs(name, manifest.formats)),
    };
    const animations: Record<string, AnimationEntry> = {};
    for (const a of c.actions) {
      const ai = animationInputs(a);
      animations[a.name] = {
        digest: digestOf(ai),
        inputs: ai,
        state: "succeeded",
        intent_at: NOW - DAY,
        task_id: `anim-${i}-${a.name}`,
        rig_task_id: rig.task_id,
        expires_at: NOW + 3 * DAY,
        files: record(animationOutputs(name, a, manifest.formats)),
      };
    }
    lock.characters[name] = { rig, animations };
  }
  // As read from disk: no string shared between the lockfile, the scan and the layout.
  return { manifest, lock: JSON.parse(JSON.stringify(lock)), facts: JSON.parse(JSON.stringify(facts)), now: NOW };
}

/** Changes one character in ten, a different kind of change each time. */
function change10(input: PlanInput): void {
  input.manifest.characters.forEach((c, i) => {
    if (i % 10 !== 0) return;
    switch ((i / 10) % 4) {
      case 0:
        c.heightMeters = 1.8;
        break; // re-rig + every clip
      case 1:
        c.actions[3]!.postProcess = { operation_type: "fbx2usdz" };
        break;
      case 2:
        delete input.facts.outputs[`${c.name}/animations/action-5.fbx`];
        break;
      default:
        c.actions.push({ name: "extra", actionId: 92, postProcess: null });
    }
  });
}

function time(input: PlanInput, runs: number): number {
  plan(input); // warm-up
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = performance.now();
    plan(input);
    ms.push(performance.now() - t);
  }
  return ms.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

for (const [chars, per] of [
  [50, 20],
  [500, 20],
  [5000, 20],
  [10000, 20],
] as const) {
  const input = build(chars, per);
  const label = `plan ${chars}x${per} (${chars * per} units)`;
  console.log(`${label}: ${time(input, 5).toFixed(0)} ms`);
  change10(input);
  console.log(`${label}, 10% changed: ${time(input, 5).toFixed(0)} ms`);
  // A stray file makes the planner look at every output path (plan/prune-rules.ts).
  input.facts.outputs["char-1/animations/deleted-action.glb"] = { size: 1 };
  console.log(`${label}, 10% changed, 1 stray file: ${time(input, 5).toFixed(0)} ms`);
}
