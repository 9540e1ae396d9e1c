/**
 * Downloading a succeeded task's outputs into the tree, each file journalled as it
 * lands. Downloads are free to repeat, so passing faults are retried; a task whose
 * results have expired is recorded as gone.
 */
import { join } from "node:path";
import type PQueue from "p-queue";
import type { MeshyApi } from "../meshy/api.js";
import { isMeshyError } from "../meshy/errors.js";
import type { Task } from "../meshy/schemas.js";
import type { OutputFile } from "../manifest/layout.js";
import type { PlanStep } from "../plan/types.js";
import { isoDate } from "../plan/words.js";
import { ContentError, writeAtomically } from "../outputs/write-output.js";
import { fileLanded, type Emit, type RunSummary } from "./events.js";
import type { Journal } from "./journal.js";
import { writeThrough, type StoreLink } from "./store-link.js";
import { UnitStop } from "./unit-stop.js";

/** Downloads of one file, each after reading the task again. */
const URL_REFRESH_ATTEMPTS = 5;

export interface FetchContext {
  api: MeshyApi;
  journal: Journal;
  outDir: string;
  /** Bounds the downloads in flight, apart from the task slots. */
  queue: PQueue;
  emit: Emit;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal: AbortSignal;
  summary: RunSummary;
  /** A GET of the step's task that records a 404. */
  getTask: (step: PlanStep, id: string) => Promise<Task>;
  /** Every landed file is written through to the team store before its unit counts as built. */
  store?: StoreLink;
  onFileWritten?: (absPath: string, facts: { size: number; mtimeMs: number; sha256: string }) => void;
}

export class OutputFetcher {
  constructor(private readonly c: FetchContext) {}

  /** Downloads `files` of `task`; roles the task does not offer are recorded as unavailable. */
  async fetchAll(step: PlanStep, files: OutputFile[], task: Task): Promise<void> {
    const unavailable = files.filter((f) => !task.outputs?.[f.role]).map((f) => f.role);
    if (unavailable.length > 0) await this.c.journal.unavailable(step, unavailable);
    let current = task;
    const results = await Promise.allSettled(
      files
        .filter((f) => !unavailable.includes(f.role))
        .map((f) =>
          this.c.queue.add(async () => {
            current = await this.fetchOne(step, f, current);
          }),
        ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
  }

  /**
   * Downloads one file. A refused asset URL before the task's expiry is a passing
   * fault: the task is read again (v1 hands out a fresh URL; v2 the same one until
   * expiry) after a pause; after the expiry the task is gone. Returns the freshest task.
   */
  private async fetchOne(step: PlanStep, file: OutputFile, task: Task): Promise<Task> {
    const { c } = this;
    const target = join(c.outDir, ...file.path.split("/"));
    let current = task;
    for (let attempt = 1; ; attempt++) {
      const url = current.outputs?.[file.role];
      if (!url) throw new UnitStop("failed", `task ${current.id} no longer offers ${file.role}`, "BAD_RESPONSE");
      try {
        const response = await c.api.fetchAsset(url, { signal: c.signal });
        const result = await writeAtomically(c.outDir, target, response, file.format, (bytes) =>
          c.emit({ type: "file:progress", key: step.key, path: file.path, bytes, total: response.contentLength }),
        );
        const record = { path: file.path, size: result.size, sha256: result.sha256 };
        await c.journal.file(step, file.role, await writeThrough(c.store, c.summary, step, target, record, c.signal));
        c.onFileWritten?.(target, result);
        fileLanded(c.summary, c.emit, step.key, file.path, result);
        return current;
      } catch (err) {
        const refused = isMeshyError(err, "FORBIDDEN", "NOT_FOUND") || err instanceof ContentError;
        const transient = isMeshyError(err, "SERVER", "NETWORK", "RATE_LIMITED");
        if (!(refused || transient) || attempt >= URL_REFRESH_ATTEMPTS || c.signal.aborted) throw err;
        if (refused && current.expires_at !== undefined && c.now() >= current.expires_at) {
          await c.journal.gone(step, current.id, c.now());
          throw new UnitStop("failed", `task ${current.id} expired on ${isoDate(current.expires_at)}; its files are gone`, "NOT_FOUND");
        }
        // Downloads are free to repeat: pause, read the task again (a new URL under v1), try again.
        await c.sleep(500 * attempt, c.signal);
        current = await c.getTask(step, current.id);
      }
    }
  }
}
