/**
 * A reporter renders the executor's event stream. Three kinds, one stream:
 * TTY (finished units as lines, a live block of the rest), CI/non-TTY (at most
 * two plain lines per unit), JSON (NDJSON on stdout, nothing else there).
 */
import path from "node:path";
import type { ExecEvent, RunSummary } from "../execute/events.js";
import { isInside } from "../fs/inside-out.js";
import { paint } from "../text/ansi.js";

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

/** A directory as a user reads it: relative to `cwd` when inside it, else absolute; with a trailing slash. */
export function displayDir(cwd: string, dir: string): string {
  const rel = path.relative(cwd, dir);
  const outside = rel !== "" && !isInside(cwd, dir);
  const shown = rel === "" ? "." : outside ? dir : rel;
  return `${shown.split(path.sep).join("/")}/`;
}

/** Where a human reporter says the files are. */
export interface ReporterOptions {
  color: boolean;
  /** The output directory as the user should read it (relative to where rigup runs, when inside it). */
  outDir: string;
}

/** The closing summary line, the same for every human reporter; it ends by saying where the files are. */
export function formatSummary(s: RunSummary, outDir: string): string {
  const parts = [
    `${s.created} created`,
    s.resumed ? `${s.resumed} resumed` : "",
    `${s.downloaded} downloaded`,
    s.restored ? `${s.restored} restored from the store` : "",
    s.merged ? `${s.merged} merged` : "",
    `${s.upToDate} up to date`,
    `${s.failed} failed`,
    s.blocked ? `${s.blocked} not run` : "",
  ].filter(Boolean);
  const head = s.interrupted ? "Interrupted" : s.failed || s.blocked ? "Finished with problems" : "Done";
  return (
    `${head}: ${parts.join(", ")}. Credits spent: ${s.creditsSpent}. ` +
    `Files written: ${s.filesWritten} (${formatBytes(s.bytesWritten)}) in ${outDir}. Wall time: ${(s.wallMs / 1000).toFixed(1)} s.` +
    (s.pushed ? ` Uploaded to the store: ${s.pushed}.` : "") +
    (s.notStored ? ` Not stored: ${s.notStored} outputs (the store failed; \`rigup push\` or the next build uploads them).` : "")
  );
}

/** Run-level lines both human reporters print as they happen: merges, and the store failing (once). */
export function runEventLine(e: ExecEvent, color: boolean, said: Set<string>): string | undefined {
  switch (e.type) {
    case "merge:done": {
      const head = paint(color, "green", `${e.key}: ${e.clips} clips merged into ${e.path} (${formatBytes(e.size)})`);
      return [head, ...e.notes.map((n) => paint(color, "yellow", `  ! ${n}`))].join("\n");
    }
    case "merge:failed":
      return paint(color, "red", `${e.key}: FAILED: ${e.message}`);
    case "store:failed":
      // After the first failure the run stops writing to the store: one line says so.
      if (said.has(e.type)) return undefined;
      said.add(e.type);
      return paint(
        color,
        "yellow",
        `the team store failed; outputs are kept here, marked not stored (\`rigup push\` uploads them): ${e.message}`,
      );
    default:
      return undefined;
  }
}
