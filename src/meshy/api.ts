/**
 * What the executor needs from Meshy. `MeshyClient` (client.ts) implements it over
 * HTTP; tests may pass an in-process fake. Every method rejects with `MeshyError`.
 */
import type { LibraryAction, PostProcess, Task, TaskKind } from "./schemas.js";

/** Where a model or texture comes from. Local files are sent as streamed data URIs. */
export type AssetInput = { kind: "file"; path: string; mime: string } | { kind: "url"; url: string };

export interface RigInput {
  source: AssetInput | { kind: "task"; taskId: string };
  heightMeters: number;
  /** v1 sends it beside the model; v2 has rigup put it inside the GLB. */
  texture?: AssetInput;
  /** v2 only: skeleton template (Meshy's default: mixamo). */
  skeleton?: string;
  /** v2 only: biped (default) or quadruped. */
  body?: "biped" | "quadruped";
}

export interface AnimationInput {
  rigTaskId: string;
  actionId: number;
  postProcess?: PostProcess;
}

/** A task-progress observation, from the stream or from polling. */
export interface TaskProgress {
  kind: TaskKind;
  id: string;
  status: Task["status"];
  progress: number;
  precedingTasks?: number;
  /** "stream" while SSE works, "poll" after falling back. */
  via: "stream" | "poll";
}

export interface WaitOptions {
  signal?: AbortSignal;
  onProgress?: (p: TaskProgress) => void;
}

export interface ListOptions {
  pageNum?: number;
  pageSize?: number;
  sortBy?: "+created_at" | "-created_at";
  signal?: AbortSignal;
}

export interface LibraryFilter {
  search?: string;
  category?: string;
  subCategory?: string;
  actionIds?: number[];
  signal?: AbortSignal;
}

/** An asset download: the body streams; no Authorization header is ever sent with it. */
export interface AssetResponse {
  status: number;
  contentType?: string;
  contentLength?: number;
  body: AsyncIterable<Uint8Array>;
}

export interface MeshyApi {
  /** POST once. Resolves with the new task id. UNKNOWN_OUTCOME when the answer was lost. */
  createRig(input: RigInput, opts?: { signal?: AbortSignal }): Promise<string>;
  createAnimation(input: AnimationInput, opts?: { signal?: AbortSignal }): Promise<string>;
  getTask(kind: TaskKind, id: string, opts?: { signal?: AbortSignal }): Promise<Task>;
  /** Follows the SSE stream, falls back to GET and polling; resolves on a terminal status. */
  waitForTask(kind: TaskKind, id: string, opts?: WaitOptions): Promise<Task>;
  listTasks(kind: TaskKind, opts?: ListOptions): Promise<Task[]>;
  deleteTask(kind: TaskKind, id: string, opts?: { signal?: AbortSignal }): Promise<void>;
  listActions(filter?: LibraryFilter): Promise<LibraryAction[]>;
  /**
   * Whether `task` (from the list) was made by this create request, judged by the
   * request echo: true, false, or undefined when the echo cannot tell (v1 has none).
   */
  echoVerdict(task: Task, input: RigInput | AnimationInput): boolean | undefined;
  /** Meshy's clock now, from the `Date` of its latest answer; undefined before the first one. */
  serviceNow(): number | undefined;
  /** GET a signed asset URL through the shared rate limiter, without credentials. */
  fetchAsset(url: string, opts?: { signal?: AbortSignal }): Promise<AssetResponse>;
}
