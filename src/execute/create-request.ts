/** The version-neutral create request of a plan step (meshy/api.ts), built from the manifest. */
import { join } from "node:path";
import type { AnimationInput, RigInput } from "../meshy/api.js";
import type { ResolvedCharacter } from "../manifest/resolve.js";
import type { PlanStep } from "../plan/types.js";

/** A rig's request; local paths are relative to `manifestDir`. */
export function rigRequest(c: ResolvedCharacter, manifestDir: string): RigInput {
  const abs = (p: string) => join(manifestDir, p);
  return {
    source:
      c.source.kind === "file"
        ? { kind: "file", path: abs(c.source.path), mime: "model/gltf-binary" }
        : c.source.kind === "url"
          ? { kind: "url", url: c.source.url }
          : { kind: "task", taskId: c.source.taskId },
    heightMeters: c.heightMeters,
    ...(c.skeleton !== undefined ? { skeleton: c.skeleton } : {}),
    ...(c.body !== undefined ? { body: c.body } : {}),
    texture: !c.texture
      ? undefined
      : c.texture.kind === "file"
        ? { kind: "file", path: abs(c.texture.path), mime: "image/png" }
        : { kind: "url", url: c.texture.url },
  };
}

export function animationRequest(c: ResolvedCharacter, step: PlanStep, rigTaskId?: string): AnimationInput {
  const action = c.actions.find((a) => a.name === step.name);
  if (!action || !rigTaskId) throw new Error(`animation ${step.key} has no action or rig`);
  return { rigTaskId, actionId: action.actionId, postProcess: action.postProcess ?? undefined };
}

/** The request a step sends (or sent): what a lost answer's task must echo. Undefined: a clip whose rig is not known. */
export function stepRequest(
  c: ResolvedCharacter,
  step: PlanStep,
  manifestDir: string,
  rigTaskId: string | undefined,
): RigInput | AnimationInput | undefined {
  if (step.kind === "rig") return rigRequest(c, manifestDir);
  return rigTaskId ? animationRequest(c, step, rigTaskId) : undefined;
}
