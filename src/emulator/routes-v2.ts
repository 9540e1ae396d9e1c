/**
 * The v2 routes (docs/meshy-api.md §1): creates per type, then every read, list,
 * stream and delete through /openapi/v2/tasks, for tasks of either version.
 * There are no per-type reads: /openapi/v2/rigging/:id is an unknown route.
 */
import { answer, type Handler, type RequestContext } from "./context.js";
import { createAnimation, createRig } from "./create.js";
import { ApiError, v2ErrorBody } from "./errors.js";
import { V2_INFERRED } from "./inferred.js";
import { serveLibrary } from "./library-route.js";
import { pageOf } from "./paging.js";
import type { RouteSpec } from "./router.js";
import { streamTask } from "./sse.js";
import { v2TaskJson } from "./task-json.js";
import { TASK_KINDS } from "./wire.js";

const notFound = (id: string) => new ApiError("task_not_found", `Task not found: ${id}`);

/** v2 refuses parameters it does not know (docs/meshy-api.md §2), query parameters too (INFERRED). */
function onlyQuery(names: readonly string[], handler: Handler): Handler {
  return async (c) => {
    const unknown = [...c.url.searchParams.keys()].find((k) => !names.includes(k));
    if (unknown !== undefined) throw new ApiError("unknown_parameter", `Unknown parameter: ${unknown}`);
    await handler(c);
  };
}

async function getTask(c: RequestContext): Promise<void> {
  const task = c.parts.store.get(c.params.id!, c.account);
  if (!task) throw notFound(c.params.id!);
  answer(c, 200, v2TaskJson(c.parts, task));
}

async function listTasks(c: RequestContext): Promise<void> {
  const type = c.url.searchParams.get("type");
  if (type === null) throw new ApiError("missing_parameter", "type is required");
  const kind = TASK_KINDS.find((k) => V2_INFERRED.taskType[k] === type);
  if (!kind)
    throw new ApiError(
      "invalid_parameter",
      `Invalid type: the emulator has ${TASK_KINDS.map((k) => V2_INFERRED.taskType[k]).join(", ")} tasks`,
    );
  const { page, hasMore } = pageOf(c, c.parts.store.list(c.account, kind));
  const data = page.map((t) => v2TaskJson(c.parts, t));
  answer(c, 200, c.parts.options.v2ListShape === "array" ? data : { data, has_more: hasMore });
}

/** docs/meshy-api.md §3.5 (INFERRED): PENDING is deleted and refunded, IN_PROGRESS refused, finished deleted; 200 with no body, as v1. */
async function deleteTask(c: RequestContext): Promise<void> {
  const { store } = c.parts;
  const task = store.get(c.params.id!, c.account);
  if (!task) throw notFound(c.params.id!);
  if (store.state(task).status === "IN_PROGRESS") {
    throw new ApiError("task_not_deletable", `Task ${task.id} is IN_PROGRESS: it cannot be deleted until it finishes`);
  }
  store.delete(task.id, c.account);
  answer(c, 200, undefined);
}

export const V2_ROUTES: readonly RouteSpec[] = [
  { method: "POST", path: "/openapi/v2/rigging", handler: createRig(2) },
  { method: "POST", path: "/openapi/v2/animations", handler: createAnimation(2) },
  { method: "GET", path: "/openapi/v2/animations/library", handler: onlyQuery(V2_INFERRED.libraryParams, serveLibrary) },
  { method: "GET", path: "/openapi/v2/tasks", handler: onlyQuery(V2_INFERRED.listParams, listTasks) },
  {
    method: "GET",
    path: "/openapi/v2/tasks/:id/stream",
    handler: streamTask({
      find: (c) => c.parts.store.get(c.params.id!, c.account),
      json: v2TaskJson,
      // The v2 stream's error payload is UNKNOWN: the v2 error object, as every other v2 error.
      notFound: v2ErrorBody("task_not_found", "Task not found"),
    }),
  },
  { method: "GET", path: "/openapi/v2/tasks/:id", handler: getTask },
  { method: "DELETE", path: "/openapi/v2/tasks/:id", handler: deleteTask },
];
