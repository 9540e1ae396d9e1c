/**
 * CI and non-TTY terminals: one plain line per state change, no spinners, no
 * cursor movement; ANSI only when the caller allows colour. Percent progress is
 * reported in quarters so logs stay short.
 */
import type { Writable } from "node:stream";
import type { ExecEvent } from "../execute/events.js";
import { paint } from "./ansi.js";
import { formatBytes, formatSummary, type Reporter } from "./reporter.js";

export function lineReporter(stderr: Writable, opts: { color: boolean }): Reporter {
  const { color } = opts;
  let start: number | undefined;
  const lastQuarter = new Map<string, string>();
  const line = (at: number, text: string) => {
    start ??= at;
    stderr.write(`${paint(color, "dim", `+${((at - start) / 1000).toFixed(1)}s`.padStart(8))} ${text}\n`);
  };
  const describe = (e: ExecEvent): string | undefined => {
    switch (e.type) {
      case "run:start":
        return `build: ${e.plan.create + e.plan.replace} to create, ${e.plan.download} to download, ${e.plan.resume} to resume, ${e.plan.reconcile} to reconcile; ${e.plan.credits} credits; ${e.concurrency} task slots`;
      case "task:created":
        return `${e.key}: task ${e.taskId} created (${e.credits} credits)`;
      case "task:adopted":
        return `${e.key}: adopted task ${e.taskId} from a request whose answer was lost`;
      case "task:progress": {
        const mark = `${e.status}:${Math.floor(e.progress / 25)}`;
        if (lastQuarter.get(e.key) === mark) return undefined;
        lastQuarter.set(e.key, mark);
        const queue = e.status === "PENDING" && e.precedingTasks !== undefined ? `, ${e.precedingTasks} ahead in queue` : "";
        return `${e.key}: ${e.status.toLowerCase().replace("_", " ")} ${e.progress}%${queue}`;
      }
      case "task:finished":
        return e.status === "SUCCEEDED"
          ? `${e.key}: task ${e.taskId} succeeded`
          : paint(color, "red", `${e.key}: task ${e.taskId} ${e.status.toLowerCase()}${e.message ? `: ${e.message}` : ""}`);
      case "queue:full":
        return paint(color, "yellow", `${e.key}: Meshy's queue for this account is full; waiting for a task to finish (${e.concurrency} slots)`);
      case "file:written":
        return `${e.key}: wrote ${e.path} (${formatBytes(e.size)})`;
      case "file:deleted":
        return `${e.key}: deleted ${e.path}`;
      case "unit:done":
        if (e.outcome === "failed") return paint(color, "red", `${e.key}: FAILED: ${e.message ?? "unknown error"}`);
        if (e.outcome === "blocked" || e.outcome === "interrupted")
          return paint(color, "yellow", `${e.key}: not run: ${e.message ?? e.outcome}`);
        return paint(color, "green", `${e.key}: ${e.outcome}`);
      case "run:stopping":
        return paint(color, "yellow", `stopping: ${e.message}`);
      case "run:done":
        return formatSummary(e.summary);
      default:
        return undefined;
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
