/**
 * The Meshy API endpoints (API-NOTES "Endpoints"): create, get, list, delete per
 * kind, and the animation library. Streams are in sse.ts, assets in downloads.ts.
 */
import { CREDITS, KIND_PATH, type TaskKind } from "../meshy/schemas.js";
import { readJsonBody, BodyError } from "./body.js";
import { taskJson, type RequestContext } from "./context.js";
import { sendError, sendJson } from "./http.js";
import { findAction, queryLibrary } from "./library.js";
import { ApiError, matchesInput, parseAnimationRequest, parseRigRequest } from "./validate.js";

/** Answers, unless a lost-answer fault is due: then the socket dies unanswered (the work is done). */
function answer(c: RequestContext, status: number, body: unknown, lose = false): void {
  if (lose || c.fault === "lost-answer") {
    c.parts.faults.count("lost-answer");
    c.req.socket.destroy();
    return;
  }
  sendJson(c.res, status, body);
}

async function readBody(c: RequestContext) {
  try {
    return await readJsonBody(c.req, c.parts.options.maxBodyBytes);
  } catch (err) {
    if (err instanceof BodyError) throw new ApiError(err.status, err.message, err.status === 413 ? { Connection: "close" } : {});
    throw err;
  }
}

/** 402 when the account's balance cannot pay for the task. */
function charge(c: RequestContext, kind: TaskKind, willFail: boolean): void {
  if (willFail || c.parts.store.charge(c.account, CREDITS[kind])) return;
  throw new ApiError(402, "Insufficient credits: your balance cannot cover this task");
}

function checkQueue(c: RequestContext): void {
  const full = c.parts.store.queueFull(c.account);
  if (!full) return;
  c.parts.faults.count("queue-full");
  const limit = c.parts.options.queueLimit;
  throw new ApiError(429, `${full}: the account already has ${limit} unfinished tasks; wait until one finishes`);
}

async function createRig(c: RequestContext): Promise<void> {
  const request = parseRigRequest(await readBody(c));
  const { failInputs, rejectInputs } = c.parts.faults.current;
  if (matchesInput(rejectInputs, request.source)) {
    throw new ApiError(422, "Pose estimation failed: the model does not look like a textured humanoid biped with clear limbs");
  }
  checkQueue(c);
  const fail = matchesInput(failInputs, request.source);
  charge(c, "rig", fail);
  const task = c.parts.store.create(c.account, "rig", {
    outcome: fail ? "FAILED" : "SUCCEEDED",
    failMessage: fail ? "Rigging failed: could not fit a humanoid skeleton to the model" : undefined,
    rig: { heightMeters: request.heightMeters },
  });
  c.parts.stats.taskCreated("rig", request.digest);
  answer(c, 202, { result: task.id }, c.parts.faults.roll(c.parts.faults.current.lostPost));
}

async function createAnimation(c: RequestContext): Promise<void> {
  const request = parseAnimationRequest(await readBody(c));
  const rig = c.parts.store.get(request.rigTaskId, c.account, "rig");
  if (!rig) throw new ApiError(404, "Task not found");
  const rigStatus = c.parts.store.state(rig).status;
  if (rigStatus !== "SUCCEEDED") throw new ApiError(400, `Invalid rig_task_id: the rigging task is ${rigStatus}, not SUCCEEDED`);
  const action = findAction(request.actionId);
  if (!action) throw new ApiError(400, `Invalid action_id: ${request.actionId} is not in the animation library`);
  checkQueue(c);
  const fail = c.parts.faults.current.failInputs.includes(request.rigTaskId);
  charge(c, "animation", fail);
  const task = c.parts.store.create(c.account, "animation", {
    outcome: fail ? "FAILED" : "SUCCEEDED",
    failMessage: fail ? "Animation failed: could not retarget the action onto this rig" : undefined,
    animation: { rigTaskId: rig.id, rigHeightMeters: rig.rig!.heightMeters, action, postProcess: request.postProcess },
  });
  c.parts.stats.taskCreated("animation", request.digest);
  answer(c, 202, { result: task.id }, c.parts.faults.roll(c.parts.faults.current.lostPost));
}

function getTask(kind: TaskKind) {
  return async (c: RequestContext) => {
    const task = c.parts.store.get(c.params.id!, c.account, kind);
    if (!task) throw new ApiError(404, "Task not found");
    answer(c, 200, taskJson(c.parts, task));
  };
}

function intParam(c: RequestContext, name: string, fallback: number, min: number, max: number): number {
  const raw = c.url.searchParams.get(name);
  if (raw === null) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ApiError(400, `Invalid ${name}: expected an integer from ${min} to ${max}`);
  return n;
}

function listTasks(kind: TaskKind) {
  return async (c: RequestContext) => {
    const pageNum = intParam(c, "page_num", 1, 1, Number.MAX_SAFE_INTEGER);
    const pageSize = intParam(c, "page_size", 10, 1, 50);
    const sortBy = c.url.searchParams.get("sort_by") ?? "-created_at";
    if (sortBy !== "+created_at" && sortBy !== "-created_at") throw new ApiError(400, "Invalid sort_by: expected +created_at or -created_at");
    // store.list is in creation order, i.e. +created_at.
    const tasks = c.parts.store.list(c.account, kind);
    const ordered = sortBy === "-created_at" ? [...tasks].reverse() : tasks;
    answer(c, 200, ordered.slice((pageNum - 1) * pageSize, pageNum * pageSize).map((t) => taskJson(c.parts, t)));
  };
}

function deleteTask(kind: TaskKind) {
  return async (c: RequestContext) => {
    if (!c.parts.store.delete(c.params.id!, c.account, kind)) throw new ApiError(404, "Task not found");
    answer(c, 200, undefined);
  };
}

async function library(c: RequestContext): Promise<void> {
  const q = c.url.searchParams;
  const ids = q.get("action_ids");
  const actionIds = ids === null ? undefined : ids.split(",").filter((s) => s.trim() !== "").map(Number);
  if (actionIds?.some((n) => !Number.isInteger(n))) throw new ApiError(400, "Invalid action_ids: expected comma-separated integers");
  const filter = { search: q.get("search") ?? undefined, category: q.get("category") ?? undefined, subCategory: q.get("sub_category") ?? undefined, actionIds };
  answer(c, 200, queryLibrary(filter, c.parts.baseUrl));
}

export type Handler = (c: RequestContext) => Promise<void>;

/** Handlers by endpoint key; the keys are also the stats counters and fault-script `match` values. */
export function apiHandlers(): Record<string, Handler> {
  const handlers: Record<string, Handler> = {
    "POST /openapi/v1/rigging": createRig,
    "POST /openapi/v1/animations": createAnimation,
    "GET /openapi/v1/animations/library": library,
  };
  for (const kind of ["rig", "animation"] as const) {
    const base = `/openapi/v1/${KIND_PATH[kind]}`;
    handlers[`GET ${base}`] = listTasks(kind);
    handlers[`GET ${base}/:id`] = getTask(kind);
    handlers[`DELETE ${base}/:id`] = deleteTask(kind);
  }
  return handlers;
}

/** Turns a thrown ApiError into its answer; anything else is a 500 (an emulator bug). */
export function answerError(c: RequestContext, err: unknown): void {
  if (c.res.headersSent || c.res.destroyed) return;
  if (err instanceof ApiError) sendError(c.res, err.status, err.message, err.headers);
  else sendError(c.res, 500, `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`);
}
