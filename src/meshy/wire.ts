/**
 * What differs between Meshy's API versions on the wire: routes, the answer to a
 * create, task objects, lists, and the request fields. The client (client.ts)
 * asks `wireFor(version)` and never branches on the version itself; nothing outside
 * src/meshy/ knows there are versions.
 *
 * Both versions: docs/meshy-api.md. Every v2 choice the
 * docs did not settle is in `V2_INFERRED` below, so it is a one-line change when
 * the truth is known.
 */
import { z } from "zod";
import { outputsByRole } from "./outputs.js";
import {
  KIND_PATH,
  TaskStatusSchema,
  V1CreateResponseSchema,
  V1TaskListSchema,
  V1TaskSchema,
  type Task,
  type TaskKind,
  type V1Task,
} from "./schemas.js";

export type ApiVersion = 1 | 2;

/**
 * v2 facts the docs leave open (docs/meshy-api.md, INFERRED), in one place:
 * - taskType: the `type` of rigging and animation tasks, used to list them (§3.2);
 * - list: paging parameters as v1's (§4.3);
 * - skeleton/body: the rigging fields `skeleton_template` (CONFIRMED) and `animation_type` (INFERRED, §2.1).
 */
export const V2_INFERRED = {
  taskType: { rig: "rig", animation: "animate" } as Record<TaskKind, string>,
  listParams: { page: "page_num", size: "page_size", sort: "sort_by" },
  rigFields: { skeleton: "skeleton_template", body: "animation_type" },
} as const;

export interface ListQuery {
  pageNum?: number;
  pageSize?: number;
  sortBy?: "+created_at" | "-created_at";
}

export interface Wire {
  readonly version: ApiVersion;
  createPath(kind: TaskKind): string;
  taskPath(kind: TaskKind, id: string): string;
  streamPath(kind: TaskKind, id: string): string;
  listPath(kind: TaskKind, q: ListQuery): { path: string; params: Record<string, string | number | undefined> };
  libraryPath: string;
  /** The new task's id from a create's answer (v1 `{result}`; v2 the whole task). Throws when it has none. */
  createdId(json: unknown): string;
  /** A task object (GET, stream event, list item). Throws (zod) on another shape. */
  task(kind: TaskKind, json: unknown): Task;
  list(kind: TaskKind, json: unknown): Task[];
}

/** 0 means "not known yet" in v1 task objects, null in v2: both become absent. */
function time(t: number | null | undefined): number | undefined {
  return t ? t : undefined;
}

type Numbers = Partial<
  Record<"created_at" | "started_at" | "finished_at" | "expires_at" | "preceding_tasks" | "consumed_credits", number | null>
>;

/** The fields both versions share, unset ones (v1 0, v2 null) left out. */
function base(t: { id: string; status: Task["status"]; progress: number } & Numbers): Task {
  const task: Task = { id: t.id, status: t.status, progress: t.progress };
  for (const k of ["created_at", "started_at", "finished_at", "expires_at"] as const) {
    const v = time(t[k]);
    if (v !== undefined) task[k] = v;
  }
  if (t.preceding_tasks != null) task.preceding_tasks = t.preceding_tasks;
  if (t.consumed_credits != null) task.consumed_credits = t.consumed_credits;
  return task;
}

function fromV1(kind: TaskKind, t: V1Task): Task {
  const task = base(t);
  // v1 sends task_error {message: ""} on success too: only a message counts.
  if (t.task_error?.message)
    task.task_error = { message: t.task_error.message, code: t.task_error.code?.toString(), type: t.task_error.type };
  if (t.result) task.outputs = outputsByRole(kind, t.result);
  return task;
}

const v1: Wire = {
  version: 1,
  createPath: (kind) => `/openapi/v1/${KIND_PATH[kind]}`,
  taskPath: (kind, id) => `/openapi/v1/${KIND_PATH[kind]}/${encodeURIComponent(id)}`,
  streamPath: (kind, id) => `/openapi/v1/${KIND_PATH[kind]}/${encodeURIComponent(id)}/stream`,
  listPath: (kind, q) => ({
    path: `/openapi/v1/${KIND_PATH[kind]}`,
    params: { page_num: q.pageNum, page_size: q.pageSize, sort_by: q.sortBy },
  }),
  libraryPath: "/openapi/v1/animations/library",
  createdId: (json) => V1CreateResponseSchema.parse(json).result,
  task: (kind, json) => fromV1(kind, V1TaskSchema.parse(json)),
  list: (kind, json) => V1TaskListSchema.parse(json).map((t) => fromV1(kind, t)),
};

const nullableTime = z.number().nullish();
/** The v2 task object (docs/meshy-api.md §3.1): `output` instead of `result`, nulls for unset, the request echoed in `input`. */
const V2TaskSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().optional(),
  status: TaskStatusSchema,
  progress: z.number().default(0),
  created_at: nullableTime,
  started_at: nullableTime,
  finished_at: nullableTime,
  expires_at: nullableTime,
  preceding_tasks: z.number().nullish(),
  consumed_credits: z.number().nullish(),
  task_error: z.looseObject({ message: z.string().default(""), code: z.string().nullish(), type: z.string().nullish() }).nullish(),
  input: z.record(z.string(), z.unknown()).nullish(),
  output: z.looseObject({}).nullish(),
});
type V2Task = z.infer<typeof V2TaskSchema>;

function fromV2(kind: TaskKind, t: V2Task): Task {
  const task = base(t);
  if (t.task_error)
    task.task_error = { message: t.task_error.message, code: t.task_error.code ?? undefined, type: t.task_error.type ?? undefined };
  if (t.input) task.input = t.input;
  if (t.output) task.outputs = outputsByRole(kind, t.output);
  return task;
}

/** The list answer: `{data, has_more}` (INFERRED from v2 Usage), or a bare array as v1 had. */
const V2ListSchema = z.union([z.array(z.unknown()), z.looseObject({ data: z.array(z.unknown()) }).transform((o) => o.data)]);

const v2: Wire = {
  version: 2,
  createPath: (kind) => `/openapi/v2/${KIND_PATH[kind]}`,
  taskPath: (_kind, id) => `/openapi/v2/tasks/${encodeURIComponent(id)}`,
  streamPath: (_kind, id) => `/openapi/v2/tasks/${encodeURIComponent(id)}/stream`,
  listPath: (kind, q) => {
    const p = V2_INFERRED.listParams;
    return {
      path: "/openapi/v2/tasks",
      params: { type: V2_INFERRED.taskType[kind], [p.page]: q.pageNum, [p.size]: q.pageSize, [p.sort]: q.sortBy },
    };
  },
  libraryPath: "/openapi/v2/animations/library",
  createdId: (json) => V2TaskSchema.parse(json).id,
  task: (kind, json) => fromV2(kind, V2TaskSchema.parse(json)),
  list: (kind, json) => V2ListSchema.parse(json).map((t) => fromV2(kind, V2TaskSchema.parse(t))),
};

export function wireFor(version: ApiVersion): Wire {
  return version === 1 ? v1 : v2;
}
