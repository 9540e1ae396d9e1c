/**
 * Waiting for a task to reach a terminal status: follow the SSE stream; if it
 * fails (drops, stalls, ends early, cannot be opened), fall back to a plain GET
 * and then polling with backoff. SSE reconnection is not relied on
 * (docs/meshy-api.md §4.1). The wait is bounded by the caller's signal and a total deadline.
 */
import type { TaskProgress, WaitOptions } from "./api.js";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import { isMeshyError, type MeshyError, type MeshyErrorCode, type MeshyErrorInit } from "./errors.js";
import { TERMINAL_STATUSES, type Task, type TaskKind } from "./schemas.js";
import { readTaskStream } from "./stream.js";

export interface WaitDeps {
  /** Opens the stream (HTTP 200); rejects with MeshyError otherwise. */
  openStream(kind: TaskKind, id: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>>;
  getTask(kind: TaskKind, id: string, signal: AbortSignal): Promise<Task>;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  poll: BackoffPolicy;
  streamIdleMs: number;
  fail: (code: MeshyErrorCode, message: string, init?: MeshyErrorInit) => MeshyError;
  log: (line: string) => void;
  /** A stream event's task object, in this API version's shape; throws on another. */
  parseTask: (kind: TaskKind, json: unknown) => Task;
}

export interface WaitForTaskOptions extends WaitOptions {
  /** Total time allowed for the wait, ms; then ABORTED (the task itself keeps running). */
  timeoutMs: number;
}

/** Stream failures worth a fallback rather than a failed wait. */
const RECOVERABLE: MeshyErrorCode[] = ["SERVER", "NETWORK", "BAD_RESPONSE"];

export async function waitForTask(deps: WaitDeps, kind: TaskKind, id: string, opts: WaitForTaskOptions): Promise<Task> {
  const label = `${kind} task ${id}`;
  const ctl = new AbortController();
  const onCallerAbort = () => ctl.abort(opts.signal?.reason);
  if (opts.signal?.aborted) onCallerAbort();
  opts.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const deadline = setTimeout(() => ctl.abort(new Error("wait deadline")), opts.timeoutMs);
  const report = (task: Task, via: TaskProgress["via"]) =>
    opts.onProgress?.({
      kind,
      id,
      status: task.status,
      progress: task.progress,
      precedingTasks: task.preceding_tasks,
      via,
    });

  try {
    const streamed = await followStream(deps, kind, id, ctl.signal, (t) => report(t, "stream"));
    if (streamed && isComplete(streamed)) return streamed;
    // The stream ended without a usable terminal object: a GET now, then polls with backoff.
    for (let attempt = 0; ; attempt++) {
      const task = await deps.getTask(kind, id, ctl.signal);
      report(task, "poll");
      if (TERMINAL_STATUSES.has(task.status)) return task;
      await deps.sleep(backoffDelay(attempt, deps.poll, deps.random), ctl.signal);
      if (ctl.signal.aborted) throw ctl.signal.reason;
    }
  } catch (err) {
    if (!ctl.signal.aborted) throw err;
    const message = opts.signal?.aborted
      ? `waiting for ${label} was aborted`
      : `gave up waiting for ${label} after ${opts.timeoutMs} ms; the task may still finish`;
    throw deps.fail("ABORTED", message, { cause: err });
  } finally {
    clearTimeout(deadline);
    opts.signal?.removeEventListener("abort", onCallerAbort);
  }
}

/** The task from a terminal stream event, or undefined when the caller should poll. */
async function followStream(
  deps: WaitDeps,
  kind: TaskKind,
  id: string,
  signal: AbortSignal,
  onTask: (task: Task) => void,
): Promise<Task | undefined> {
  const label = `${kind} task ${id}`;
  const streamCtl = new AbortController();
  const streamSignal = AbortSignal.any([signal, streamCtl.signal]);
  let body: AsyncIterable<Uint8Array>;
  try {
    body = await deps.openStream(kind, id, streamSignal);
  } catch (err) {
    if (!isMeshyError(err, ...RECOVERABLE)) throw err;
    deps.log(`stream for ${label} could not be opened (${err.code}); polling instead`);
    return undefined;
  }

  const outcome = await readTaskStream(body, {
    idleMs: deps.streamIdleMs,
    parseTask: (json) => deps.parseTask(kind, json),
    onTask,
    onStall: () => streamCtl.abort(new Error("stream stalled")),
  });
  streamCtl.abort(); // release the connection whatever happened
  switch (outcome.kind) {
    case "terminal":
      return outcome.task;
    case "error": {
      const code = outcome.statusCode === 404 || outcome.type === "not_found" ? "NOT_FOUND" : "STREAM";
      throw deps.fail(code, `stream for ${label} reported an error: ${outcome.message}`, {
        status: outcome.statusCode,
        meshyMessage: outcome.message,
      });
    }
    case "interrupted":
      if (signal.aborted) throw signal.reason;
      deps.log(`stream for ${label} ${outcome.reason} before a terminal status; polling instead`);
      return undefined;
  }
}

/** Terminal stream events may omit fields; a SUCCEEDED task without its outputs needs a GET. */
function isComplete(task: Task): boolean {
  return task.status === "SUCCEEDED" ? task.outputs !== undefined : task.task_error !== undefined;
}
