/**
 * The v1 routes (docs/meshy-api.md §1): per kind create, get, stream, list and
 * delete, and the library. Tasks of the other kind, or of the other account, are
 * not found; tasks created through v2 are found like any other.
 */
import { answer, type RequestContext } from "./context.js";
import { createAnimation, createRig } from "./create.js";
import { ApiError } from "./errors.js";
import { serveLibrary } from "./library-route.js";
import { pageOf } from "./paging.js";
import type { RouteSpec } from "./router.js";
import { streamTask } from "./sse.js";
import { v1TaskJson } from "./task-json.js";
import { KIND_PATH, TASK_KINDS, type TaskKind } from "./wire.js";

const notFound = () => new ApiError("task_not_found", "Task not found");

function getTask(kind: TaskKind) {
  return async (c: RequestContext) => {
    const task = c.parts.store.get(c.params.id!, c.account, kind);
    if (!task) throw notFound();
    answer(c, 200, v1TaskJson(c.parts, task));
  };
}

function listTasks(kind: TaskKind) {
  return async (c: RequestContext) => {
    const { page } = pageOf(c, c.parts.store.list(c.account, kind));
    answer(
      c,
      200,
      page.map((t) => v1TaskJson(c.parts, t)),
    );
  };
}

function deleteTask(kind: TaskKind) {
  return async (c: RequestContext) => {
    if (!c.parts.store.delete(c.params.id!, c.account, kind)) throw notFound();
    answer(c, 200, undefined);
  };
}

export const V1_ROUTES: readonly RouteSpec[] = [
  { method: "GET", path: "/openapi/v1/animations/library", handler: serveLibrary },
  ...TASK_KINDS.flatMap((kind): RouteSpec[] => {
    const base = `/openapi/v1/${KIND_PATH[kind]}`;
    const stream = streamTask({
      find: (c) => c.parts.store.get(c.params.id!, c.account, kind),
      json: v1TaskJson,
      notFound: { status_code: 404, message: "Task not found" },
    });
    return [
      { method: "POST", path: base, handler: kind === "rig" ? createRig(1) : createAnimation(1) },
      { method: "GET", path: base, handler: listTasks(kind) },
      { method: "GET", path: `${base}/:id/stream`, handler: stream },
      { method: "GET", path: `${base}/:id`, handler: getTask(kind) },
      { method: "DELETE", path: `${base}/:id`, handler: deleteTask(kind) },
    ];
  }),
];
