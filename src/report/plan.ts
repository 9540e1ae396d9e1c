/** `rigup plan`: the plan as JSON on stdout (--json), or as text on stderr (plan-text.ts). */
import type { Plan } from "../plan/types.js";
import { jsonDocument, type Output } from "./output.js";
import { renderPlan } from "./plan-text.js";

export function reportPlan(plan: Plan, out: Output): void {
  if (out.json) jsonDocument(out, plan);
  else out.stderr.write(renderPlan(plan, { color: out.color }));
}
