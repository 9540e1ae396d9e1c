/**
 * Inputs of each unit and their digest. The executor records both in the lockfile;
 * the planner compares them with the lockfile to decide what changed.
 */
import { UserError } from "../diagnostics/errors.js";
import type { AnimationInputs, RigInputs } from "../lockfile/schema.js";
import type { ResolvedAction, ResolvedCharacter } from "../manifest/resolve.js";
import type { Facts } from "./types.js";

function inputFileSha(character: string, field: "model" | "texture", path: string, facts: Facts): string {
  const sha = facts.inputs[path];
  if (sha === undefined) {
    throw new UserError("input-missing", `${field === "model" ? "Model" : "Texture"} file ${path} of ${character} not found`, {
      diagnostics: [
        {
          file: "characters.yaml",
          field: `characters.${character}.${field}`,
          message: `${path} does not exist`,
          hint: "paths are relative to characters.yaml",
        },
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
  const { source, texture, name, skeleton, body } = character;
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
    // Absent, not null, when unset: the digest of every rig made before these fields existed stays the same.
    ...(skeleton !== undefined && { skeleton }),
    ...(body !== undefined && { body }),
  };
}

/** What determines an animation, besides the rig task it is made on. */
export function animationInputs(action: ResolvedAction): AnimationInputs {
  return { action_id: action.actionId, post_process: action.postProcess };
}
