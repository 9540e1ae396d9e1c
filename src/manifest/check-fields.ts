/**
 * Checks that span fields, which the zod schema cannot express per field:
 * exactly one source per character, and output names unique within a character.
 * They read the raw data defensively, so a type error elsewhere in the same
 * character does not hide these problems.
 */
import type { Diagnostic } from "../errors.js";
import { animationOutputs } from "../plan/layout.js";
import { defaultActionName, resolveManifest } from "./resolve.js";
import { ActionSchema, type Manifest } from "./schema.js";
import { formatPath, type DataPath, type Position } from "./positions.js";

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

/** Two actions saving to the same file name would overwrite each other's clips. */
export function checkActionNames(name: string, c: Record<string, unknown>, ctx: FieldCheckContext): Diagnostic[] {
  const seen = new Map<string, number>();
  const out: Diagnostic[] = [];
  const actions = Array.isArray(c.actions) ? c.actions : [];
  actions.forEach((raw, i) => {
    const parsed = ActionSchema.safeParse(raw);
    if (!parsed.success) return; // reported by the schema
    const a = typeof parsed.data === "number" ? { action_id: parsed.data, name: undefined } : parsed.data;
    const actionId = a.action_id;
    const output = a.name ?? defaultActionName(actionId);
    const first = seen.get(output);
    if (first === undefined) {
      seen.set(output, i);
      return;
    }
    const path = a.name !== undefined ? ["characters", name, "actions", i, "name"] : ["characters", name, "actions", i];
    out.push(
      diag(
        ctx,
        path,
        "value",
        `output name "${output}" is already used by actions[${first}]`,
        `give it a name of its own: { action_id: ${actionId}, name: ${output}-2 }`,
      ),
    );
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
    const owner = new Map<string, string>();
    character.actions.forEach((action, i) => {
      for (const file of animationOutputs(character.name, action, manifest.defaults.formats)) {
        const other = owner.get(file.path);
        if (other !== undefined && other !== action.name) {
          out.push(
            diag(
              ctx,
              ["characters", character.name, "actions", i],
              "value",
              `writes ${file.path}, which action "${other}" also writes`,
              "rename one of the two actions",
            ),
          );
        }
        owner.set(file.path, action.name);
      }
    });
  }
  return out;
}
