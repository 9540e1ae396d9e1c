/**
 * Checks that span fields, which the zod schema cannot express per field:
 * exactly one source per character, and every output file written by exactly
 * one thing. Files are compared case-insensitively: macOS and Windows file
 * systems are, so `Run` and `run` would overwrite each other there. They read
 * the raw data defensively, so a type error elsewhere in the same character
 * does not hide these problems.
 */
import type { Diagnostic } from "../diagnostics/errors.js";
import { animationOutputs, mergeSources, rigOutputs } from "./layout.js";
import { defaultActionName, resolveManifest } from "./resolve.js";
import { ActionSchema, OUTPUT_FORMATS, type Manifest } from "./schema.js";
import { formatPath, type DataPath, type Position } from "../diagnostics/positions.js";

export const SOURCE_FIELDS = ["model", "model_url", "input_task_id"] as const;

export interface FieldCheckContext {
  file: string;
  locate: (path: DataPath, at?: "key" | "value") => Position;
}

function diag(ctx: FieldCheckContext, path: DataPath, at: "key" | "value", message: string, hint?: string): Diagnostic {
  return { file: ctx.file, ...ctx.locate(path, at), field: formatPath(path), message, hint };
}

/** Exactly one of model, model_url, input_task_id. */
export function checkSource(name: string, c: Record<string, unknown>, ctx: FieldCheckContext): Diagnostic[] {
  const present = SOURCE_FIELDS.filter((f) => c[f] !== undefined);
  const choose = `set exactly one of ${SOURCE_FIELDS.join(", ")}`;
  if (present.length === 0) {
    return [diag(ctx, ["characters", name], "key", "has no source model", `${choose} (model: a .glb next to characters.yaml)`)];
  }
  if (present.length > 1) {
    const extra = present[1]!;
    return [diag(ctx, ["characters", name, extra], "key", `has both ${present[0]} and ${extra}`, choose)];
  }
  return [];
}

const CASE_ONLY = "only by case: on macOS and Windows, whose file systems ignore case, they would overwrite each other";

/** Two characters whose names differ only by case would share one output folder on macOS and Windows. */
export function checkCharacterNames(names: readonly string[], ctx: FieldCheckContext): Diagnostic[] {
  const seen = new Map<string, string>();
  const out: Diagnostic[] = [];
  for (const name of names) {
    const first = seen.get(name.toLowerCase());
    if (first === undefined) seen.set(name.toLowerCase(), name);
    else {
      const line = ctx.locate(["characters", first], "key").line;
      out.push(
        diag(
          ctx,
          ["characters", name],
          "key",
          `character "${name}" differs from "${first}" (line ${line}) ${CASE_ONLY}`,
          "rename one of them",
        ),
      );
    }
  }
  return out;
}

/**
 * A character's rig folder also holds the free clips that come with every rig, so a
 * character named like one of them (`walking`) would write its rig over that clip.
 * The layout decides which names those are: no list is kept here.
 */
export function checkRigOutputs(name: string, ctx: FieldCheckContext): Diagnostic[] {
  const owner = new Map<string, string>();
  for (const { path } of rigOutputs(name, OUTPUT_FORMATS)) {
    const other = owner.get(path.toLowerCase());
    if (other !== undefined) {
      const twice = other === path ? `${path} would be written twice` : `${other} and ${path} would be one file on macOS and Windows`;
      const message = `as a character name, "${name}" collides with a free clip bundled with every rig: ${twice}`;
      return [diag(ctx, ["characters", name], "key", message, "rename the character")];
    }
    owner.set(path.toLowerCase(), path);
  }
  return [];
}

/** Two actions saving to the same file name would overwrite each other's clips. */
export function checkActionNames(name: string, c: Record<string, unknown>, ctx: FieldCheckContext): Diagnostic[] {
  const seen = new Map<string, { index: number; output: string }>();
  const out: Diagnostic[] = [];
  const actions = Array.isArray(c.actions) ? c.actions : [];
  actions.forEach((raw, i) => {
    const parsed = ActionSchema.safeParse(raw);
    if (!parsed.success) return; // reported by the schema
    const a = typeof parsed.data === "number" ? { action_id: parsed.data, name: undefined } : parsed.data;
    const actionId = a.action_id;
    const output = a.name ?? defaultActionName(actionId);
    const first = seen.get(output.toLowerCase());
    if (first === undefined) {
      seen.set(output.toLowerCase(), { index: i, output });
      return;
    }
    const path = a.name !== undefined ? ["characters", name, "actions", i, "name"] : ["characters", name, "actions", i];
    const line = ctx.locate(["characters", name, "actions", first.index]).line;
    const message =
      first.output === output
        ? `output name "${output}" is already used by actions[${first.index}]`
        : `output name "${output}" differs from "${first.output}" of actions[${first.index}] (line ${line}) ${CASE_ONLY}`;
    out.push(diag(ctx, path, "value", message, `give it a name of its own: { action_id: ${actionId}, name: ${output}-2 }`));
  });
  return out;
}

/**
 * Distinct names can still produce one file: "run" with extract_armature writes
 * run.armature.fbx, and so does an action named "run.armature". Needs the whole
 * manifest (defaults decide post-processing and formats).
 */
export function checkOutputPaths(manifest: Manifest, ctx: FieldCheckContext): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const character of resolveManifest(manifest).characters) {
    const owner = new Map<string, { action: string; index: number; path: string }>();
    character.actions.forEach((action, i) => {
      for (const file of animationOutputs(character.name, action, manifest.defaults.formats)) {
        const other = owner.get(file.path.toLowerCase());
        if (other !== undefined && other.action !== action.name) {
          const line = ctx.locate(["characters", character.name, "actions", other.index]).line;
          const message =
            other.path === file.path
              ? `writes ${file.path}, which action "${other.action}" also writes`
              : `writes ${file.path}, which differs from ${other.path} of action "${other.action}" (line ${line}) ${CASE_ONLY}`;
          out.push(diag(ctx, ["characters", character.name, "actions", i], "value", message, "rename one of the two actions"));
        }
        owner.set(file.path.toLowerCase(), { action: action.name, index: i, path: file.path });
      }
    });
    if (character.merge) out.push(...checkMergedNames(character.name, character.actions, ctx));
  }
  return out;
}

/** In the merged GLB each clip is an animation named after it: an action named like a free clip (`walking`) would be two. */
function checkMergedNames(character: string, actions: Parameters<typeof mergeSources>[1], ctx: FieldCheckContext): Diagnostic[] {
  const free = new Map(mergeSources(character, []).clips.map((c) => [c.name.toLowerCase(), c.name]));
  const out: Diagnostic[] = [];
  actions.forEach((action, i) => {
    const clash = free.get(action.name.toLowerCase());
    if (clash === undefined) return;
    const message = `action name "${action.name}" is also the free ${clash} clip's name in the merged ${character}.glb`;
    out.push(
      diag(
        ctx,
        ["characters", character, "actions", i],
        "value",
        message,
        `rename it ({ action_id: ${action.actionId}, name: ${action.name}-action }), or set merge: false`,
      ),
    );
  });
  return out;
}
