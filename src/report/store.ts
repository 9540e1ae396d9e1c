/** `rigup pull` and `rigup push`: what reached the out folder or the team store, and what did not. */
import { jsonLine, type Output } from "./output.js";
import type { PullResult } from "../app/pull.js";
import type { PushReport } from "../app/push.js";

export function reportPull(r: PullResult, out: Output): void {
  if (out.json) jsonLine(out, { type: "pull", left: r.left.map((s) => s.key) });
  const { restored, upToDate, failed } = r.summary;
  out.stderr.write(
    `Pulled from ${r.store}: ${restored} unit${restored === 1 ? "" : "s"} restored, ${upToDate} up to date, ${failed} failed.\n`,
  );
  if (r.left.length > 0) {
    const n = r.left.length;
    out.stderr.write(
      `${n} unit${n === 1 ? " is" : "s are"} not in the store as recorded; \`rigup build\` makes or fetches ${n === 1 ? "it" : "them"}:\n`,
    );
    for (const s of r.left) out.stderr.write(`  ${s.key}: ${s.reasons.join("; ")}\n`);
  }
}

export function reportPush(r: PushReport, out: Output): void {
  if (out.json)
    jsonLine(out, { uploaded: r.uploaded, present: r.present, records: r.records, unavailable: r.unavailable, error: r.failure?.message });
  out.stderr.write(`Pushed to ${r.store}: ${r.uploaded} uploaded, ${r.present} already there, ${r.records} units recorded.\n`);
  for (const p of r.unavailable) out.stderr.write(`  not here as recorded, and not in the store: ${p}\n`);
  if (r.failure) out.stderr.write(`Error: ${r.failure.message}\n`);
}
