/** What changed between the recorded inputs and the manifest's, in words (rule: changed inputs re-make). */
import type { AnimationInputs, RigInputs } from "../lockfile/schema.js";
import { DEFAULT_FPS } from "../manifest/resolve.js";

type Ref = RigInputs["source"] | RigInputs["texture"];

function refChange(field: string, before: Ref, after: Ref): string | undefined {
  if (before === null && after === null) return undefined;
  if (before === null) return `${field} added`;
  if (after === null) return `${field} removed`;
  if ("file_sha256" in before && "file_sha256" in after) {
    return before.file_sha256 === after.file_sha256 ? undefined : `${field} file changed`;
  }
  if ("url" in before && "url" in after) return before.url === after.url ? undefined : `${field} url changed`;
  if ("input_task_id" in before && "input_task_id" in after) {
    return before.input_task_id === after.input_task_id ? undefined : `input_task_id ${before.input_task_id} → ${after.input_task_id}`;
  }
  return `${field} changed from ${refKind(before)} to ${refKind(after)}`;
}

function refKind(ref: NonNullable<Ref>): string {
  return "file_sha256" in ref ? "a file" : "url" in ref ? "a url" : "a task";
}

/** E.g. `["height_meters 1.8 → 1.9", "source file changed"]`; empty when nothing differs. */
export function rigChanges(before: RigInputs, after: RigInputs): string[] {
  const out: string[] = [];
  const source = refChange("source", before.source, after.source);
  if (source) out.push(source);
  if (before.height_meters !== after.height_meters) out.push(`height_meters ${before.height_meters} → ${after.height_meters}`);
  const texture = refChange("texture", before.texture, after.texture);
  if (texture) out.push(texture);
  for (const field of ["skeleton", "body"] as const) {
    const [b, a] = [before[field], after[field]];
    if (b !== a) out.push(`${field} changed (${b ?? "not set"} → ${a ?? "not set"})`);
  }
  return out;
}

function describePostProcess(pp: AnimationInputs["post_process"]): string {
  if (pp === null) return "none";
  return pp.operation_type === "change_fps" ? `change_fps ${pp.fps ?? DEFAULT_FPS} fps` : pp.operation_type;
}

/** E.g. `["post_process none → fbx2usdz"]`. */
export function animationChanges(before: AnimationInputs, after: AnimationInputs): string[] {
  const out: string[] = [];
  if (before.action_id !== after.action_id) out.push(`action_id ${before.action_id} → ${after.action_id}`);
  const b = describePostProcess(before.post_process);
  const a = describePostProcess(after.post_process);
  if (b !== a) out.push(`post_process ${b} → ${a}`);
  return out;
}
