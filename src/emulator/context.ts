/**
 * What every handler can reach: the emulator's parts, and per request the
 * account, the fault chosen for it, and how to answer (or lose the answer).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { TERMINAL_STATUSES, CREDITS, type Task } from "../meshy/schemas.js";
import { buildResult, type AssetCache, type UrlSigner } from "./assets.js";
import type { Clock } from "./clock.js";
import type { FaultInjector, FaultKind } from "./faults.js";
import type { ResolvedOptions } from "./options.js";
import type { RateLimiter } from "./rate-limit.js";
import type { TaskRecord, TaskStore } from "./state.js";
import type { StatsRecorder } from "./stats.js";

export interface EmulatorParts {
  options: ResolvedOptions;
  clock: Clock;
  store: TaskStore;
  faults: FaultInjector;
  stats: StatsRecorder;
  limiter: RateLimiter;
  signer: UrlSigner;
  cache: AssetCache;
  /** http://host:port, known once listening. */
  baseUrl: string;
}

export interface RequestContext {
  parts: EmulatorParts;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Digest of the bearer key; "" for unauthenticated routes. */
  account: string;
  /** The scripted fault for this request, if any. */
  fault?: FaultKind;
}

/** Signed asset URL for a task file, valid for urlTtlMs (or already expired under the expired-url fault). */
export function signedUrl(parts: EmulatorParts, taskId: string, file: string, expired: boolean): string {
  const path = `/assets/${taskId}/output/${file}`;
  const nowSec = Math.floor(parts.clock.now() / 1000);
  const expires = expired ? nowSec - 1 : Math.floor((parts.clock.now() + parts.options.urlTtlMs) / 1000);
  return `${parts.baseUrl}${path}?Expires=${expires}&Signature=${parts.signer.sign(path, expires)}`;
}

/**
 * A task as the API shows it. `partial` gives the stream's in-flight shape
 * (id/status/progress/preceding_tasks only, API page "Stream a Rigging Task").
 */
export function taskJson(parts: EmulatorParts, task: TaskRecord, partial = false): Task {
  const now = parts.clock.now();
  const s = parts.store.state(task, now);
  const terminal = TERMINAL_STATUSES.has(s.status);
  if (partial && !terminal) return { id: task.id, status: s.status, progress: s.progress, preceding_tasks: s.precedingTasks };
  let result: Task["result"] = null;
  if (s.status === "SUCCEEDED") {
    const expired = parts.faults.roll(parts.faults.current.expiredUrls);
    if (expired) parts.faults.count("expired-url");
    result = buildResult(task, (file) => signedUrl(parts, task.id, file, expired));
  }
  return {
    id: task.id,
    type: task.kind === "rig" ? "rig" : "animate",
    status: s.status,
    progress: s.progress,
    created_at: task.createdAt,
    started_at: s.status === "PENDING" ? 0 : task.startedAt,
    finished_at: terminal ? task.finishedAt : 0,
    expires_at: s.expiresAt,
    preceding_tasks: s.precedingTasks,
    task_error: { message: s.status === "FAILED" ? (task.failMessage ?? "Task failed") : "" },
    result,
    // Charged at creation; FAILED tasks are refunded (API-NOTES "Task object").
    consumed_credits: s.status === "FAILED" ? 0 : CREDITS[task.kind],
  };
}
