/**
 * What the executor reports while it runs. Reporters (report/tty.ts, ci.ts,
 * json.ts) render this one stream; `--json` prints it as NDJSON, so fields are
 * plain data and names are stable (`noun:verb`).
 */
import type { TaskKind, TaskStatus } from "../meshy/schemas.js";
import type { Plan } from "../plan/types.js";

/** How one unit (a rig or an animation) ended. Prunes are no unit's outcome: the build counts them (RunSummary.pruned). */
export type UnitOutcome =
  | "created" // a new task was paid for and its outputs downloaded
  | "resumed" // a task from an earlier run was awaited and downloaded
  | "downloaded" // outputs re-fetched from a live task, free
  | "restored" // outputs copied from the team store (a unit of this lockfile, or one the team paid for), free
  | "failed" // the task failed or was refused; recorded in the lockfile
  | "blocked" // could not run: its rig failed, the run stopped, or a lost request is undecidable
  | "interrupted";

export type ExecEvent =
  | { type: "run:start"; at: number; plan: Plan["summary"]; concurrency: number }
  | { type: "unit:start"; at: number; key: string; kind: TaskKind; action: string }
  | { type: "task:intent"; at: number; key: string; kind: TaskKind }
  | { type: "task:created"; at: number; key: string; kind: TaskKind; taskId: string; credits: number }
  | { type: "task:adopted"; at: number; key: string; kind: TaskKind; taskId: string; how: "reconciled" }
  | {
      type: "task:progress";
      at: number;
      key: string;
      taskId: string;
      status: TaskStatus;
      progress: number;
      precedingTasks?: number;
    }
  | { type: "task:finished"; at: number; key: string; taskId: string; status: TaskStatus; credits: number; message?: string }
  | { type: "queue:full"; at: number; key: string; concurrency: number }
  | { type: "file:progress"; at: number; key: string; path: string; bytes: number; total?: number }
  | { type: "file:written"; at: number; key: string; path: string; size: number; sha256: string }
  | { type: "store:failed"; at: number; key: string; path?: string; message: string }
  | { type: "merge:done"; at: number; key: string; path: string; size: number; clips: number; notes: string[] }
  | { type: "merge:failed"; at: number; key: string; message: string }
  | { type: "store:waiting"; at: number; key: string; host: string; since: number }
  | { type: "unit:done"; at: number; key: string; outcome: UnitOutcome; message?: string; code?: string }
  | { type: "run:stopping"; at: number; reason: NonNullable<RunSummary["stopReason"]>; message: string }
  | { type: "run:done"; at: number; summary: RunSummary };

export interface RunSummary {
  created: number;
  resumed: number;
  downloaded: number;
  restored: number;
  /** Merged character files made (merge:done). */
  merged: number;
  upToDate: number;
  pruned: number;
  failed: number;
  blocked: number;
  /** Credits Meshy charged for tasks this run created (failed tasks are refunded). */
  creditsSpent: number;
  filesWritten: number;
  bytesWritten: number;
  /** Outputs this run landed that are not in the team store (it failed): `rigup push` uploads them. */
  notStored: number;
  /** Outputs already in the out folder that this run uploaded to the team store. */
  pushed: number;
  wallMs: number;
  interrupted: boolean;
  /** Why the run stopped submitting early, if it did. */
  stopReason?: "interrupt" | "auth" | "credits" | "lockfile";
}

export type EventSink = (event: ExecEvent) => void;

/** A summary of a run that has done nothing yet. */
export function emptySummary(): RunSummary {
  return {
    created: 0,
    resumed: 0,
    downloaded: 0,
    restored: 0,
    merged: 0,
    upToDate: 0,
    pruned: 0,
    failed: 0,
    blocked: 0,
    creditsSpent: 0,
    filesWritten: 0,
    bytesWritten: 0,
    notStored: 0,
    pushed: 0,
    wallMs: 0,
    interrupted: false,
  };
}

/** Counts a file that landed in the output tree and reports it. */
export function fileLanded(summary: RunSummary, emit: Emit, key: string, path: string, result: { size: number; sha256: string }): void {
  summary.filesWritten += 1;
  summary.bytesWritten += result.size;
  emit({ type: "file:written", key, path, size: result.size, sha256: result.sha256 });
}

/** Reports an event; the executor stamps its time. */
export type Emit = (e: ExecEvent extends infer E ? (E extends { at: number } ? Omit<E, "at"> : never) : never) => void;
