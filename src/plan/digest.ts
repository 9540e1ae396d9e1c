/**
 * Inputs of each unit and their digest. The executor records both in the lockfile;
 * the planner compares them with the lockfile to decide what changed.
 */
import { createHash } from "node:crypto";
import { UserError } from "../errors.js";
import type { AnimationInputs, RigInputs } from "../lockfile/schema.js";
import type { ResolvedAction, ResolvedCharacter } from "../manifest/resolve.js";
import type { Facts } from "./types.js";

/**
 * JSON with object keys sorted and no whitespace, so equal values give equal text.
 * @example canonicalJson({ b: 1, a: [2, { d: 3, c: null }] }) // '{"a":[2,{"c":null,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const obj = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    if (obj[key] === undefined) continue; // as JSON.stringify does
    parts.push(`${JSON.stringify(key)}:${canonicalJson(obj[key])}`);
  }
  return `{${parts.join(",")}}`;
}

/** sha256 hex of `canonicalJson(value)`: the `digest` of a lockfile entry. */
export function digestOf(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

function inputFileSha(character: string, field: "model" | "texture", path: string, facts: Facts): string {
  const sha = facts.inputs[path];
  if (sha === undefined) {
    throw new UserError("input-missing", `${field === "model" ? "Model" : "Texture"} file ${path} of ${character} not found`, {
      diagnostics: [
        { file: "characters.yaml", field: `characters.${character}.${field}`, message: `${path} does not exist`, hint: "paths are relative to characters.yaml" },
      ],
    });
  }
  return sha;
}

/**
 * What determines a character's rig. Local files count by content (sha256), never by
 * path, so moving a file does not re-rig (and re-pay). Throws UserError when a local
 * input file is missing.
 */
export function rigInputs(character: ResolvedCharacter, facts: Facts): RigInputs {
  const { source, texture, name } = character;
  return {
    source:
      source.kind === "file"
        ? { file_sha256: inputFileSha(name, "model", source.path, facts) }
        : source.kind === "url"
          ? { url: source.url }
          : { input_task_id: source.taskId },
    height_meters: character.heightMeters,
    texture:
      texture === null
        ? null
        : texture.kind === "file"
          ? { file_sha256: inputFileSha(name, "texture", texture.path, facts) }
          : { url: texture.url },
  };
}

/** What determines an animation, besides the rig task it is made on. */
export function animationInputs(action: ResolvedAction): AnimationInputs {
  return { action_id: action.actionId, post_process: action.postProcess };
}
