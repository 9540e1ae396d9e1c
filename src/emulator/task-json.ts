/**
 * A task as each API version shows it. One record, two views: v1 and v2
 * (docs/meshy-api.md §3), so either version's routes read tasks the other created.
 * `partial` gives the stream's in-flight shape (id/status/progress/preceding_tasks
 * only, §4.1).
 */
import { buildResult } from "./assets.js";
import type { EmulatorParts } from "./context.js";
import { v2ErrorBody, type V2ErrorBody } from "./errors.js";
import { V2_INFERRED } from "./inferred.js";
import type { TaskRecord, TaskState } from "./state.js";
import { TERMINAL_STATUSES, V1_TASK_TYPE, type TaskStatus } from "./wire.js";

export interface InFlightJson {
  id: string;
  status: TaskStatus;
  progress: number;
  preceding_tasks: number;
}

export interface V1TaskJson extends InFlightJson {
  type: string;
  created_at: number;
  started_at: number;
  finished_at: number;
  expires_at: number;
  task_error: { message: string };
  result: Record<string, unknown> | null;
  consumed_credits: number;
}

export interface V2TaskJson extends InFlightJson {
  type: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  expires_at: number | null;
  consumed_credits: number;
  task_error: V2ErrorBody | null;
  input: Record<string, unknown>;
  output: Record<string, unknown> | null;
}

/**
 * Signs a task's asset URLs, valid until `validUntilMs` on the emulator clock, or
 * already expired when the expiredUrls fault draws this read.
 */
function urlSigner(parts: EmulatorParts, task: TaskRecord, validUntilMs: number): (file: string) => string {
  const expired = parts.faults.roll(parts.faults.current.expiredUrls);
  if (expired) parts.faults.count("expired-url");
  const expires = expired ? Math.floor(parts.clock.now() / 1000) - 1 : Math.floor(validUntilMs / 1000);
  return (file) => {
    const path = `/assets/${task.id}/output/${file}`;
    return `${parts.baseUrl}${path}?Expires=${expires}&Signature=${parts.signer.sign(path, expires)}`;
  };
}

function inFlight(task: TaskRecord, s: TaskState): InFlightJson {
  return { id: task.id, status: s.status, progress: s.progress, preceding_tasks: s.precedingTasks };
}

const failMessage = (task: TaskRecord) => task.failMessage ?? "Task failed";

/** Charged at creation; FAILED tasks are refunded (docs/meshy-api.md §3.1, §6.1; the field after a refund: 0, INFERRED). */
const creditsShown = (task: TaskRecord, s: TaskState) => (s.status === "FAILED" ? 0 : task.credits);

export function v1TaskJson(parts: EmulatorParts, task: TaskRecord, partial = false): V1TaskJson | InFlightJson {
  const s = parts.store.state(task);
  const terminal = TERMINAL_STATUSES.has(s.status);
  if (partial && !terminal) return inFlight(task, s);
  // v1 hands out fresh URLs on every read, each valid urlTtlMs.
  const result = s.status === "SUCCEEDED" ? buildResult(task, urlSigner(parts, task, parts.clock.now() + parts.options.urlTtlMs)) : null;
  return {
    id: task.id,
    type: V1_TASK_TYPE[task.kind],
    status: s.status,
    progress: s.progress,
    created_at: task.createdAt,
    started_at: s.status === "PENDING" ? 0 : task.startedAt,
    finished_at: terminal ? task.finishedAt : 0,
    expires_at: s.expiresAt,
    preceding_tasks: s.precedingTasks,
    task_error: { message: s.status === "FAILED" ? failMessage(task) : "" },
    result,
    consumed_credits: creditsShown(task, s),
  };
}

/** v1's `result` laid over the v2 template: the same names, every field present, null when not produced. */
function v2Output(task: TaskRecord, result: Record<string, unknown>): Record<string, unknown> {
  const output: Record<string, unknown> = structuredClone(V2_INFERRED.outputTemplate[task.kind]);
  for (const [key, value] of Object.entries(result)) {
    output[key] = value !== null && typeof value === "object" ? { ...(output[key] as object), ...value } : value;
  }
  return output;
}

/** `state` defaults to the task's state now; a create answers with the task as it was queued. */
export function v2TaskJson(
  parts: EmulatorParts,
  task: TaskRecord,
  partial = false,
  s = parts.store.state(task),
): V2TaskJson | InFlightJson {
  const terminal = TERMINAL_STATUSES.has(s.status);
  if (partial && !terminal) return inFlight(task, s);
  const succeeded = s.status === "SUCCEEDED";
  const failure = task.kind === "rig" ? "rigging_failed" : "animation_failed";
  return {
    id: task.id,
    type: V2_INFERRED.taskType[task.kind],
    status: s.status,
    progress: s.progress,
    created_at: task.createdAt,
    started_at: s.status === "PENDING" ? null : task.startedAt,
    finished_at: terminal ? task.finishedAt : null,
    // Null until SUCCEEDED (§3.1); every read gives the same URLs, valid until then (§6.4).
    expires_at: succeeded ? s.expiresAt : null,
    preceding_tasks: s.precedingTasks,
    consumed_credits: creditsShown(task, s),
    task_error: s.status === "FAILED" ? v2ErrorBody(failure, failMessage(task)) : null,
    input: task.input,
    output: succeeded ? v2Output(task, buildResult(task, urlSigner(parts, task, s.expiresAt))) : null,
  };
}
