/**
 * `rigup refresh`: re-read every task the lockfile records (current and past) from
 * Meshy, for free, and write down what it says now: expiry, and 404s as `gone_at`
 * (deleted, or expired early). Like `terraform refresh`, it changes no output and
 * pays for nothing; the next plan is honest about what a download can still fetch.
 */
import type { Writable } from "node:stream";
import { mapLimit } from "../async/map-limit.js";
import { UserError } from "../diagnostics/errors.js";
import { withWriterLock } from "../lockfile/writer-lock.js";
import type { Lockfile, UnitEntry } from "../lockfile/schema.js";
import { getUnit, setUnit, unitKey } from "../lockfile/units.js";
import type { MeshyApi } from "../meshy/api.js";
import { meshyClientOptions } from "../config/meshy-client.js";
import { isMeshyError } from "../meshy/errors.js";
import type { TaskKind } from "../meshy/schemas.js";
import { apiTarget } from "./api-target.js";
import { openLockStore, openProject, type Project, type ProjectOptions } from "./project.js";

export type RefreshOutcome = "alive" | "gone" | "unchanged-gone" | "error";

export interface RefreshedTask {
  unit: string;
  taskId: string;
  /** Current task of the unit, or one from its history. */
  current: boolean;
  outcome: RefreshOutcome;
  expiresAt?: number;
  message?: string;
}

interface Ref {
  character: string;
  kind: TaskKind;
  name?: string;
  taskId: string;
  current: boolean;
  goneAt?: number;
}

function recordedTasks(lock: Lockfile): Ref[] {
  const refs: Ref[] = [];
  const add = (character: string, kind: TaskKind, name: string | undefined, e: UnitEntry | undefined) => {
    if (!e) return;
    if (e.task_id) refs.push({ character, kind, name, taskId: e.task_id, current: true, goneAt: e.gone_at });
    for (const h of e.history ?? []) refs.push({ character, kind, name, taskId: h.task_id, current: false, goneAt: h.gone_at });
  };
  for (const [character, c] of Object.entries(lock.characters)) {
    add(character, "rig", undefined, c.rig);
    for (const [name, a] of Object.entries(c.animations)) add(character, "animation", name, a);
  }
  return refs;
}

/** Applies what Meshy said about one task to its entry (current) or history item. */
function apply(lock: Lockfile, ref: Ref, change: { expires_at?: number; gone_at?: number }): void {
  const e = getUnit(lock, ref.character, ref.kind, ref.name);
  if (!e) return;
  const next: UnitEntry =
    ref.current && e.task_id === ref.taskId
      ? { ...e, ...change }
      : { ...e, history: e.history?.map((h) => (h.task_id === ref.taskId ? { ...h, ...change } : h)) };
  setUnit(lock, ref.character, ref.kind, ref.name, next);
}

export async function refresh(opts: {
  project: Project;
  api: MeshyApi;
  now?: () => number;
  concurrency?: number;
}): Promise<RefreshedTask[]> {
  const { settings } = opts.project;
  const now = opts.now ?? Date.now;
  return withWriterLock(settings.lockfile, { now: now(), command: "rigup refresh" }, async () => {
    const store = await openLockStore(opts.project);
    return mapLimit(recordedTasks(store.lock), opts.concurrency ?? 5, async (ref): Promise<RefreshedTask> => {
      const base = { unit: unitKey(ref.character, ref.kind, ref.name), taskId: ref.taskId, current: ref.current };
      // Gone stays gone: Meshy never brings a deleted task back.
      if (ref.goneAt !== undefined) return { ...base, outcome: "unchanged-gone" };
      try {
        const task = await opts.api.getTask(ref.kind, ref.taskId);
        // 0 means "not known yet" in Meshy's task objects.
        const expiresAt = task.expires_at || undefined;
        if (expiresAt) await store.update((lock) => apply(lock, ref, { expires_at: expiresAt }));
        return { ...base, outcome: "alive", expiresAt };
      } catch (err) {
        if (isMeshyError(err, "NOT_FOUND")) {
          await store.update((lock) => apply(lock, ref, { gone_at: now() }));
          return { ...base, outcome: "gone" };
        }
        return { ...base, outcome: "error", message: err instanceof Error ? err.message : String(err) };
      }
    });
  });
}

/** `rigup refresh`: the project's recorded tasks re-read from the configured Meshy API (where the key goes is said on `stderr`). */
export async function refreshProject(opts: ProjectOptions, io: { stderr: Writable }): Promise<RefreshedTask[]> {
  const project = await openProject(opts);
  const { settings } = project;
  const { MeshyClient } = await import("../meshy/client.js");
  const { apiBase, apiKey } = await apiTarget(settings, false, io.stderr);
  if (!apiKey) throw new UserError("NO_API_KEY", "no Meshy API key", { hint: "set MESHY_API_KEY, or pass --api-key-file FILE" });
  const api = new MeshyClient(meshyClientOptions(settings, { apiBase, apiKey }));
  try {
    return await refresh({ project, api });
  } finally {
    await api.close();
  }
}
