/**
 * The state of a build as its events arrive, for the human reporters: per unit,
 * what it is doing or waiting for in words, and how it ended; overall, units
 * done of total and credits spent. Pure: no clock, no output.
 */
import type { ExecEvent, UnitOutcome } from "../execute/events.js";
import type { Plan, PlanStep } from "../plan/types.js";
import { oneLine } from "../text/ansi.js";
import { formatBytes } from "./reporter.js";
import { unitLabel } from "./unit-label.js";

export interface UnitView {
  key: string;
  /** The key, with a clip's action name (unit-label.ts). */
  title: string;
  step: PlanStep;
  /** True once the executor started it and it is not blocked on a slot: a spinner may show. */
  busy: boolean;
  /** What it is doing or waiting for, e.g. "waiting for hero/rig", "in progress 40%". */
  doing: string;
  outcome?: UnitOutcome;
  message?: string;
  taskId?: string;
  files: number;
  bytes: number;
}

export class Progress {
  readonly units = new Map<string, UnitView>();
  /** Credits Meshy kept for tasks this run created (refunded failures excluded). */
  spent = 0;
  /** The most the plan may spend. */
  readonly budget: number;
  done = 0;
  failed = 0;

  constructor(plan: Plan) {
    this.budget = plan.summary.credits;
    const runnable = plan.steps.filter((s) => s.action !== "noop" && s.action !== "prune");
    const keys = new Set(runnable.map((s) => s.key));
    for (const step of runnable) {
      const waitsFor = step.dependsOn && keys.has(step.dependsOn) ? step.dependsOn : undefined;
      this.units.set(step.key, {
        key: step.key,
        title: unitLabel(step),
        step,
        busy: false,
        doing: waitsFor ? `waiting for ${waitsFor}` : "waiting to start",
        taskId: step.taskId,
        files: 0,
        bytes: 0,
      });
    }
  }

  get total(): number {
    return this.units.size;
  }

  /** Applies one event; returns the unit it changed, if any. */
  apply(e: ExecEvent): UnitView | undefined {
    const unit = "key" in e ? this.units.get(e.key) : undefined;
    if (!unit) return undefined;
    const set = (doing: string, busy = true) => {
      unit.doing = doing;
      unit.busy = busy;
    };
    switch (e.type) {
      case "unit:start":
        if (e.action === "create" || e.action === "replace") set("waiting for a free task slot", false);
        else if (e.action === "resume")
          set(unit.taskId ? `waiting for task ${unit.taskId} from an earlier run` : "waiting for its task from an earlier run");
        else set(e.action === "restore" ? "restoring from the team store" : "downloading");
        break;
      case "task:intent":
        set("sending the request to Meshy");
        break;
      case "task:created":
      case "task:adopted":
        unit.taskId = e.taskId;
        set(`task ${e.taskId} created`);
        break;
      case "task:progress": {
        const ahead = e.precedingTasks ? `, ${e.precedingTasks} ahead` : "";
        set(e.status === "PENDING" ? `queued at Meshy${ahead}` : `${e.status.toLowerCase().replace("_", " ")} ${e.progress}%`);
        break;
      }
      case "store:waiting":
        set(`${e.host} is making it now: waiting for its record in the team store`, false);
        break;
      case "queue:full":
        set("Meshy's queue for this account is full: waiting for one of our tasks to finish", false);
        break;
      case "task:finished":
        if (e.status === "SUCCEEDED") set("downloading");
        if (e.status === "SUCCEEDED" && (unit.step.action === "create" || unit.step.action === "replace")) this.spent += e.credits;
        break;
      case "file:progress": {
        const verb = unit.step.action === "restore" ? "restoring" : "downloading";
        set(`${verb} ${e.path.split("/").pop()} ${formatBytes(e.bytes)}${e.total ? ` of ${formatBytes(e.total)}` : ""}`);
        break;
      }
      case "file:written":
        unit.files += 1;
        unit.bytes += e.size;
        break;
      case "unit:done":
        if (unit.outcome === undefined) this.done += 1;
        if (e.outcome === "failed") this.failed += 1;
        unit.outcome = e.outcome;
        unit.message = e.message === undefined ? undefined : oneLine(e.message);
        set("", false);
        break;
      default:
        return undefined;
    }
    return unit;
  }
}

/** How a finished unit ended, after its key: "created · 4 files (1.2 MiB) · task abc", "failed: why". */
export function outcomeText(unit: UnitView): string {
  const { outcome, message } = unit;
  if (outcome === "failed") return `failed: ${message ?? "unknown error"}`;
  if (outcome === "blocked" || outcome === "interrupted") return `not run: ${message ?? outcome}`;
  const files = unit.files ? ` · ${unit.files} file${unit.files === 1 ? "" : "s"} (${formatBytes(unit.bytes)})` : "";
  const task = unit.taskId ? ` · task ${unit.taskId}` : "";
  return `${outcome ?? "not run"}${files}${task}`;
}
