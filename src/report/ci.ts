/**
 * CI and non-TTY terminals: plain lines, no spinners, no cursor movement; ANSI
 * only when the caller allows colour. At most two lines per unit (when it
 * starts with its task id, and how it ended; a restore from the team store,
 * quick and free, only how it ended: a pull of 1,000 units is 1,000 lines),
 * plus the run-level lines (stopping, a full account queue once, the summary):
 * a CI log stays readable.
 */
import type { Writable } from "node:stream";
import type { ExecEvent } from "../execute/events.js";
import type { Plan } from "../plan/types.js";
import { paint } from "../text/ansi.js";
import { Progress, outcomeText } from "./progress.js";
import { formatSummary, runEventLine, type Reporter, type ReporterOptions } from "./reporter.js";

export function lineReporter(plan: Plan, stderr: Writable, opts: ReporterOptions): Reporter {
  const { color } = opts;
  const progress = new Progress(plan);
  const started = new Set<string>();
  let queueFullSaid = false;
  const said = new Set<string>();
  let start: number | undefined;
  const line = (at: number, text: string) => {
    start ??= at;
    stderr.write(`${paint(color, "dim", `+${((at - start) / 1000).toFixed(1)}s`.padStart(8))} ${text}\n`);
  };
  /** The unit's first line: the task it works with, once. */
  const once = (key: string, text: string) => {
    if (started.has(key)) return undefined;
    started.add(key);
    return `${progress.units.get(key)?.title ?? key}: ${text}`;
  };
  const describe = (e: ExecEvent): string | undefined => {
    const unit = progress.apply(e);
    switch (e.type) {
      case "unit:start":
        // A create's first line waits for its task id (task:created).
        if (!unit || e.action === "create" || e.action === "replace" || e.action === "restore") return undefined;
        return once(e.key, e.action === "resume" ? unit.doing : `downloading${unit.taskId ? ` from task ${unit.taskId}` : ""}`);
      case "task:created":
        return once(e.key, `task ${e.taskId} created (${e.credits} credits)`);
      case "task:adopted":
        return once(e.key, `adopted task ${e.taskId} from a request whose answer was lost`);
      case "queue:full":
        if (queueFullSaid) return undefined;
        queueFullSaid = true;
        return paint(
          color,
          "yellow",
          `Meshy's queue for this account is full; tasks wait for one of ours to finish (${e.concurrency} slots)`,
        );
      case "unit:done": {
        const title = unit?.title ?? e.key;
        if (e.outcome === "failed") return paint(color, "red", `${title}: FAILED: ${unit?.message ?? "unknown error"}`);
        const text = `${title}: ${unit ? outcomeText(unit) : e.outcome}`;
        return paint(color, e.outcome === "blocked" || e.outcome === "interrupted" ? "yellow" : "green", text);
      }
      case "store:waiting":
        return once(e.key, `${e.host} is making it now (claimed in the team store): waiting for its record instead of paying`);
      case "run:stopping":
        return paint(color, "yellow", `stopping: ${e.message}`);
      case "run:done":
        return formatSummary(e.summary, opts.outDir);
      default:
        return runEventLine(e, color, said);
    }
  };
  return {
    onEvent(e) {
      const text = describe(e);
      if (text !== undefined) line(e.at, text);
    },
    async close() {},
  };
}
