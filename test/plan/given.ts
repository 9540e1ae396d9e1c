/**
 * A builder of planner inputs with defaults, as changesets' test-utils:
 *   given().character("knight", { actions: [92] }).locked().character("knight", { heightMeters: 1.9 }).plan()
 * `locked()` records the manifest as it stands, built and downloaded, every file present.
 */
import { createHash } from "node:crypto";
import type { AnimationEntry, Lockfile, RigEntry } from "../../src/lockfile/schema.js";
import type { ResolvedAction, ResolvedCharacter, ResolvedManifest } from "../../src/manifest/resolve.js";
import type { OutputFormat } from "../../src/manifest/schema.js";
import type { PostProcess } from "../../src/meshy/schemas.js";
import { animationInputs, rigInputs } from "../../src/plan/digest.js";
import { digestOf } from "../../src/text/canonical-json.js";
import { animationOutputs, rigOutputs, type OutputFile } from "../../src/manifest/layout.js";
import { plan } from "../../src/plan/plan.js";
import type { Facts, Plan, PlanInput, PlanStep } from "../../src/plan/types.js";

export const DAY = 24 * 60 * 60 * 1000;
export const HOUR = DAY / 24;
/** 2026-11-23T00:00:00Z */
export const NOW = Date.UTC(2026, 10, 23);

export const sha = (s: string) => createHash("sha256").update(s).digest("hex");

type ActionSpec = number | { actionId: number; name?: string; postProcess?: PostProcess | null };
export interface CharacterOptions {
  source?: ResolvedCharacter["source"];
  heightMeters?: number;
  texture?: ResolvedCharacter["texture"];
  actions?: ActionSpec[];
}

function action(spec: ActionSpec): ResolvedAction {
  if (typeof spec === "number") return { name: `action-${spec}`, actionId: spec, postProcess: null };
  return { name: spec.name ?? `action-${spec.actionId}`, actionId: spec.actionId, postProcess: spec.postProcess ?? null };
}

export class Given {
  manifest: ResolvedManifest = { formats: ["glb", "fbx"], characters: [] };
  lock: Lockfile = { lockfile_version: 3, characters: {} };
  facts: Facts = { inputs: {}, outputs: {} };
  now = NOW;

  /** Adds or redefines (in place) a character. Its model file exists, with content named after it. */
  character(name: string, o: CharacterOptions = {}): this {
    const c: ResolvedCharacter = {
      name,
      source: o.source ?? { kind: "file", path: `models/${name}.glb` },
      heightMeters: o.heightMeters ?? 1.7,
      texture: o.texture ?? null,
      actions: (o.actions ?? []).map(action),
    };
    if (c.source.kind === "file" && this.facts.inputs[c.source.path] === undefined) this.facts.inputs[c.source.path] = sha(`model ${name}`);
    const i = this.manifest.characters.findIndex((x) => x.name === name);
    if (i >= 0) this.manifest.characters[i] = c;
    else this.manifest.characters.push(c);
    return this;
  }

  remove(name: string): this {
    this.manifest.characters = this.manifest.characters.filter((c) => c.name !== name);
    return this;
  }

  formats(formats: OutputFormat[]): this {
    this.manifest.formats = formats;
    return this;
  }

  inputFile(path: string, content: string): this {
    this.facts.inputs[path] = sha(content);
    return this;
  }

  /** Records every unit of the manifest as built now: rigs live 30 days, clips 3 days. */
  locked(): this {
    for (const c of this.manifest.characters) {
      const inputs = rigInputs(c, this.facts);
      const rig: RigEntry = {
        digest: digestOf(inputs),
        inputs,
        state: "succeeded",
        intent_at: this.now - DAY,
        task_id: `rig-${c.name}`,
        status: "SUCCEEDED",
        expires_at: this.now + 30 * DAY,
        credits: 5,
        files: this.record(rigOutputs(c.name, this.manifest.formats)),
      };
      const animations: Record<string, AnimationEntry> = {};
      for (const a of c.actions) {
        const ai = animationInputs(a);
        animations[a.name] = {
          digest: digestOf(ai),
          inputs: ai,
          state: "succeeded",
          intent_at: this.now - DAY,
          task_id: `anim-${c.name}-${a.name}`,
          rig_task_id: rig.task_id,
          status: "SUCCEEDED",
          expires_at: this.now + 3 * DAY,
          credits: 3,
          files: this.record(animationOutputs(c.name, a, this.manifest.formats)),
        };
      }
      this.lock.characters[c.name] = { rig, animations };
    }
    return this;
  }

  private record(files: OutputFile[]): RigEntry["files"] {
    const out: RigEntry["files"] = {};
    for (const f of files) {
      const rec = { path: f.path, size: f.path.length, sha256: sha(f.path) };
      out[f.role] = rec;
      this.facts.outputs[f.path] = { size: rec.size, sha256: rec.sha256 };
    }
    return out;
  }

  rig(character: string, patch: Partial<RigEntry>): this {
    const cl = this.lock.characters[character];
    if (!cl?.rig) throw new Error(`no locked rig for ${character}`);
    cl.rig = { ...cl.rig, ...patch };
    return this;
  }

  clip(character: string, name: string, patch: Partial<AnimationEntry>): this {
    const cl = this.lock.characters[character];
    const entry = cl?.animations[name];
    if (!cl || !entry) throw new Error(`no locked clip ${character}/${name}`);
    cl.animations[name] = { ...entry, ...patch };
    return this;
  }

  deleted(path: string): this {
    if (!(path in this.facts.outputs)) throw new Error(`no output ${path}`);
    delete this.facts.outputs[path];
    return this;
  }

  corrupted(path: string): this {
    const f = this.facts.outputs[path];
    if (!f) throw new Error(`no output ${path}`);
    this.facts.outputs[path] = { size: f.size, sha256: sha("garbage") };
    return this;
  }

  output(path: string): this {
    this.facts.outputs[path] = { size: 1, sha256: sha(path) };
    return this;
  }

  at(now: number): this {
    this.now = now;
    return this;
  }

  input(): PlanInput {
    return { manifest: this.manifest, lock: this.lock, facts: this.facts, now: this.now };
  }

  plan(): Plan {
    return plan(this.input());
  }
}

export const given = () => new Given();

export function step(p: Plan, key: string): PlanStep {
  const s = p.steps.find((x) => x.key === key);
  if (!s) throw new Error(`no step ${key} in ${p.steps.map((x) => x.key).join(", ")}`);
  return s;
}

/** `{ key: action }` of every step: compact to assert whole plans. */
export function actions(p: Plan): Record<string, string> {
  return Object.fromEntries(p.steps.map((s) => [s.key, s.action]));
}
