/** `rigup check` (and `rigup build --check`): one line per unit a build would change, and a closing count. */
import { jsonDocument, writeLines, type Output } from "./output.js";
import type { CheckReport } from "../app/check.js";

/**
 * `knight/animations/action-92: not built yet (+ create, 3 credits)`, one per item. The
 * plan's symbols load only when there are items: an up-to-date check stays fast.
 */
async function itemLines(items: CheckReport["items"]): Promise<string[]> {
  if (items.length === 0) return [];
  const { SYMBOLS } = await import("./plan-text.js");
  return items.map((item) => {
    const cost = item.credits > 0 ? `, ${item.credits} credit${item.credits === 1 ? "" : "s"}` : "";
    return `${item.key}: ${item.problem} (${SYMBOLS[item.action].symbol} ${item.action}${cost})`;
  });
}

export async function reportCheck(result: CheckReport, out: Output): Promise<void> {
  if (out.json) jsonDocument(out, result);
  const lines = [...(await itemLines(result.items)), ...result.warnings.map((w) => `warning: ${w.message}`)];
  const total = result.items.length + result.upToDate;
  if (result.ok) lines.push(`rigup check: ${result.upToDate} units up to date.`);
  else
    lines.push(
      `rigup check: ${result.items.length} of ${total} units need \`rigup build\`${result.credits > 0 ? ` (${result.credits} credits)` : ""}.`,
    );
  writeLines(out, lines);
}
