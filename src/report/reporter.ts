/**
 * A reporter renders the executor's event stream. Three kinds, one stream:
 * TTY (listr2 task list), CI/non-TTY (a plain line per state change), JSON
 * (NDJSON on stdout, nothing else there).
 */
import type { ExecEvent, RunSummary } from "../execute/events.js";

export interface Reporter {
  onEvent(event: ExecEvent): void;
  /** Called once after run:done; flushes and stops any live rendering. */
  close(): Promise<void>;
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MiB`;
  return `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

/** The closing summary line(s), the same for every human reporter. */
export function formatSummary(s: RunSummary): string {
  const parts = [
    `${s.created} created`,
    s.resumed ? `${s.resumed} resumed` : "",
    `${s.downloaded} downloaded`,
    `${s.upToDate} up to date`,
    `${s.failed} failed`,
    s.blocked ? `${s.blocked} not run` : "",
  ].filter(Boolean);
  const head = s.interrupted ? "Interrupted" : s.failed || s.blocked ? "Finished with problems" : "Done";
  return (
    `${head}: ${parts.join(", ")}. Credits spent: ${s.creditsSpent}. ` +
    `Files written: ${s.filesWritten} (${formatBytes(s.bytesWritten)}). Wall time: ${(s.wallMs / 1000).toFixed(1)} s.`
  );
}
