/** `rigup status`: one line per character (rig task, expiry, clips), its pending changes, and the team store's count. */
import { jsonDocument, type Output } from "./output.js";
import type { StatusReport } from "../app/status.js";

/** `0193a8f2-…` → `0193a8f2`: enough to find it in the lockfile. */
export function shortTaskId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

export function reportStatus({ status, store }: StatusReport, out: Output): void {
  if (out.json) return jsonDocument(out, store ? { ...status, store } : status);
  out.stderr.write(renderStatus(status));
  if (store) {
    out.stderr.write(
      store.notStored === 0
        ? `Team store ${store.url}: every recorded output is stored.\n`
        : `Team store ${store.url}: ${store.notStored} recorded outputs are not stored yet; \`rigup push\` uploads them.\n`,
    );
  }
}

function renderStatus(status: StatusReport["status"]): string {
  const out: string[] = [];
  const width = Math.max(0, ...status.characters.map((c) => c.name.length));
  for (const c of status.characters) {
    const rig = c.rigTaskId ? `rig ${shortTaskId(c.rigTaskId)} (API v${c.rigApiVersion})` : "rig -";
    const clips = `clips: ${c.clips.upToDate} up to date, ${c.clips.outOfDate} out of date`;
    const made = c.emulatorUnits.length > 0 ? `  [emulator placeholders: ${c.emulatorUnits.length} units; a real build re-makes them]` : "";
    out.push(`${c.name.padEnd(width)}  ${rig}  ${c.expiry}  ${clips}${made}`);
    for (const ch of c.changes) out.push(`    ${ch.key}: ${ch.action}: ${ch.reasons.join("; ")}`);
  }
  for (const ch of status.removed) out.push(`${ch.key}: ${ch.action}: ${ch.reasons.join("; ")}`);
  if (status.characters.length === 0 && status.removed.length === 0) out.push("No characters in the manifest.");
  return `${out.join("\n")}\n`;
}
