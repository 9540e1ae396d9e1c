/** How reporters name a unit: its key, and for a clip the action's name from the library ("hero/animations/action-0 · Idle"). */
import { actionName } from "../actions/snapshot.js";
import type { PlanStep } from "../plan/types.js";

export function unitLabel(step: Pick<PlanStep, "key" | "kind" | "actionId">): string {
  const name = step.kind === "animation" && step.actionId !== undefined ? actionName(step.actionId) : undefined;
  return name ? `${step.key} · ${name}` : step.key;
}
