/**
 * The executor's write-ahead journal: each call changes one unit's lockfile
 * entry and resolves only once the lockfile on disk says so. The order the
 * executor calls these in is what makes a crash at any instant recoverable:
 * intent (before POST) → created (task id, the moment the answer arrives) →
 * finished → file, file, ...
 */
import type { CharacterLock, FileRecord, Lockfile, MergedEntry, PastTask, Target, UnitEntry } from "../lockfile/schema.js";
import { deleteUnit, getUnit, pastTaskOf, pushHistory, setUnit, taskIdsOf } from "../lockfile/units.js";
import type { Task } from "../meshy/schemas.js";
import type { PlanStep } from "../plan/types.js";
import type { UnitRecord } from "../store/record.js";

/** What the journal needs from the lockfile store (lockfile/store.ts). */
export interface LockUpdater {
  readonly lock: Lockfile;
  /** Applies `mutate` and persists atomically before resolving. */
  update(mutate: (lock: Lockfile) => void): Promise<void>;
}

type StepRef = Pick<PlanStep, "key" | "character" | "kind" | "name" | "digest" | "inputs">;

const getEntry = (lock: Lockfile, step: StepRef) => getUnit(lock, step.character, step.kind, step.name);
const setEntry = (lock: Lockfile, step: StepRef, entry: UnitEntry | undefined) =>
  entry ? setUnit(lock, step.character, step.kind, step.name, entry) : deleteUnit(lock, step.character, step.kind, step.name);

function withoutHistory(e: UnitEntry): UnitEntry {
  const { history: _h, prior: _p, ...rest } = e;
  return structuredClone(rest) as UnitEntry;
}

/** The entry's history with its current task (if any) pushed to the front. */
function pastOf(e: UnitEntry): PastTask[] {
  const past = pastTaskOf(e);
  return past ? pushHistory(e.history, past) : (e.history ?? []);
}

export interface Journal {
  rigTaskId(character: string): string | undefined;
  /** The rig task a clip's recorded intent was for. */
  intentRigTaskId(step: StepRef): string | undefined;
  /** The entry's intent time when it is on Meshy's clock (so it bounds a lost create's window). */
  intentOnMeshyClock(step: StepRef): number | undefined;
  currentTaskId(step: StepRef): string | undefined;
  /** The unit's entry as recorded now. */
  entry(step: StepRef): UnitEntry | undefined;
  /** A character as recorded now. */
  character(name: string): CharacterLock | undefined;
  /** The character's merged file was made. */
  merged(character: string, entry: MergedEntry): Promise<void>;
  /** Every task id the lockfile accounts for, current and past. */
  knownTaskIds(): Set<string>;
  /** Before a POST: what is about to be paid for. The previous task moves to history. `onMeshyClock`: `at` is Meshy's time. */
  intent(step: StepRef, at: number, opts: { rigTaskId?: string; onMeshyClock: boolean }): Promise<void>;
  /** The POST's answer was lost. */
  unknown(step: StepRef): Promise<void>;
  /** The task exists: its id, the moment the answer arrives. */
  created(step: StepRef, taskId: string): Promise<void>;
  /** The POST provably created nothing: back to what the entry was before the intent (read from the intent itself, so any later run can). */
  withdraw(step: StepRef): Promise<void>;
  /** Meshy answered 404 for this unit's task (current or past): its files can no longer be fetched (the id stays). */
  gone(step: StepRef, taskId: string, at: number): Promise<void>;
  failed(step: StepRef, error: { code: string; message: string }): Promise<void>;
  finished(step: StepRef, task: Task, credits: number): Promise<void>;
  /** A download step that re-uses another (still alive) task with the same inputs. */
  reuse(step: StepRef, task: Task): Promise<void>;
  unavailable(step: StepRef, roles: string[]): Promise<void>;
  file(step: StepRef, role: string, record: FileRecord): Promise<void>;
  /** A unit the team already paid for, from the store's registry, becomes current (free). */
  adopt(step: StepRef, record: UnitRecord): Promise<void>;
  /** The unit's outputs of these roles are now in the team store. */
  stored(step: StepRef, roles: readonly string[]): Promise<void>;
}

function taskTimes(task: Task): Partial<UnitEntry> {
  const t: Partial<UnitEntry> = {};
  // 0 means "not yet known" in Meshy's task objects.
  if (task.created_at) t.created_at = task.created_at;
  if (task.finished_at) t.finished_at = task.finished_at;
  if (task.expires_at) t.expires_at = task.expires_at;
  return t;
}

/** The intent's `prior` with the history it had before the intent pushed its task. */
function restorePrior(intent: UnitEntry): UnitEntry | undefined {
  const { prior, history = [] } = intent;
  if (!prior)
    return history.length > 0
      ? ({ ...intent, state: "failed", error: { code: "WITHDRAWN", message: "the request created nothing" }, history } as UnitEntry)
      : undefined;
  const rest = history.filter((h) => h.task_id !== prior.task_id);
  return { ...prior, ...(rest.length > 0 ? { history: rest } : {}) } as UnitEntry;
}

/**
 * `target`: where this run's tasks are made; the built-in emulator's are marked so no
 * real build takes them for Meshy's. `apiVersion`: recorded with each task made.
 */
export function lockJournal(store: LockUpdater, { target = "meshy", apiVersion }: { target?: Target; apiVersion?: 1 | 2 } = {}): Journal {
  const edit = (step: StepRef, fn: (e: UnitEntry) => UnitEntry) =>
    store.update((lock) => {
      const e = getEntry(lock, step);
      if (!e) throw new Error(`journal: no lockfile entry for ${step.key}`);
      setEntry(lock, step, fn(e));
    });

  return {
    rigTaskId: (character) => store.lock.characters[character]?.rig?.task_id,
    intentRigTaskId(step) {
      const e = getEntry(store.lock, step);
      return e && "rig_task_id" in e ? e.rig_task_id : undefined;
    },
    intentOnMeshyClock(step) {
      const e = getEntry(store.lock, step);
      return e?.intent_clock === "meshy" ? e.intent_at : undefined;
    },
    currentTaskId: (step) => getEntry(store.lock, step)?.task_id,
    entry: (step) => getEntry(store.lock, step),
    character: (name) => store.lock.characters[name],
    merged: (character, entry) =>
      store.update((lock) => {
        const c = lock.characters[character];
        if (entry) (c ?? (lock.characters[character] = { animations: {} })).merged = entry;
      }),
    knownTaskIds: () => taskIdsOf(store.lock),
    intent(step, at, { rigTaskId, onMeshyClock }) {
      if (!step.digest || !step.inputs) throw new Error(`journal: step ${step.key} has no inputs`);
      return store.update((lock) => {
        const prev = getEntry(lock, step);
        // A repeated intent (a lost answer re-sent) keeps the prior of the first one.
        const prior = prev && (prev.state === "intent" || prev.state === "unknown") ? prev.prior : prev && withoutHistory(prev);
        const history = prev ? pastOf(prev) : [];
        const entry = {
          digest: step.digest!,
          inputs: step.inputs!,
          state: "intent" as const,
          intent_at: at,
          ...(onMeshyClock ? { intent_clock: "meshy" as const } : {}),
          ...(target === "emulator" ? { made_by: "emulator" as const } : {}),
          ...(apiVersion ? { api_version: apiVersion } : {}),
          files: {},
          ...(history.length > 0 ? { history } : {}),
          ...(prior ? { prior } : {}),
          ...(step.kind === "animation" && rigTaskId ? { rig_task_id: rigTaskId } : {}),
        } as UnitEntry;
        setEntry(lock, step, entry);
      });
    },
    unknown: (step) => edit(step, (e) => ({ ...e, state: "unknown" })),
    created: (step, taskId) => edit(step, ({ prior: _settled, ...e }) => ({ ...e, state: "pending", task_id: taskId })),
    withdraw: (step) =>
      store.update((lock) => {
        const e = getEntry(lock, step);
        if (e && (e.state === "intent" || e.state === "unknown")) setEntry(lock, step, restorePrior(e));
      }),
    gone: (step, taskId, at) =>
      store.update((lock) => {
        const e = getEntry(lock, step);
        if (!e) return;
        if (e.task_id === taskId) {
          if (e.gone_at === undefined) setEntry(lock, step, { ...e, gone_at: at });
        } else if (e.history?.some((h) => h.task_id === taskId && h.gone_at === undefined)) {
          setEntry(lock, step, { ...e, history: e.history.map((h) => (h.task_id === taskId ? { ...h, gone_at: at } : h)) });
        }
      }),
    failed: (step, error) => edit(step, ({ prior: _settled, ...e }) => ({ ...e, state: "failed", error })),
    finished: (step, task, credits) =>
      edit(step, (e) => {
        const ok = task.status === "SUCCEEDED";
        const next = { ...e, ...taskTimes(task), state: ok ? "succeeded" : "failed", status: task.status, credits } as UnitEntry;
        if (ok) delete next.error;
        else next.error = { code: task.status, message: task.task_error?.message || `task ${task.status.toLowerCase()}` };
        return next;
      }),
    reuse: (step, task) =>
      edit(step, (e) => {
        // The error, 404 and prior belonged to the task being replaced.
        const { error: _e, gone_at: _g, prior: _p, made_by: _m, api_version: _v, ...rest } = e;
        const history = pastOf(e).filter((h) => h.task_id !== task.id);
        const past = e.history?.find((h) => h.task_id === task.id);
        return {
          ...rest,
          ...taskTimes(task),
          digest: step.digest ?? e.digest,
          inputs: (step.inputs ?? e.inputs) as never,
          state: "succeeded",
          status: task.status,
          task_id: task.id,
          ...(past?.made_by ? { made_by: past.made_by } : {}),
          ...(past?.api_version ? { api_version: past.api_version } : {}),
          ...(past?.credits !== undefined ? { credits: past.credits } : {}),
          ...(past?.rig_task_id ? { rig_task_id: past.rig_task_id } : {}),
          files: {},
          history,
        } as UnitEntry;
      }),
    unavailable: (step, roles) => edit(step, (e) => ({ ...e, unavailable: [...new Set([...(e.unavailable ?? []), ...roles])].sort() })),
    file: (step, role, record) => edit(step, (e) => ({ ...e, files: { ...e.files, [role]: record } })),
    adopt: (step, record) =>
      store.update((lock) => {
        if (!step.digest || !step.inputs) throw new Error(`journal: step ${step.key} has no inputs`);
        const prev = getEntry(lock, step);
        const history = (prev ? pastOf(prev) : []).filter((h) => h.task_id !== record.task_id);
        setEntry(lock, step, {
          digest: step.digest,
          inputs: step.inputs,
          state: "succeeded",
          status: "SUCCEEDED",
          intent_at: record.created_at ?? record.recorded_at,
          task_id: record.task_id,
          ...(record.made_by ? { made_by: record.made_by } : {}),
          ...(record.api_version ? { api_version: record.api_version } : {}),
          ...(record.created_at ? { created_at: record.created_at } : {}),
          ...(record.finished_at ? { finished_at: record.finished_at } : {}),
          ...(record.expires_at ? { expires_at: record.expires_at } : {}),
          ...(record.credits !== undefined ? { credits: record.credits } : {}),
          ...(record.rig_task_id ? { rig_task_id: record.rig_task_id } : {}),
          files: {},
          ...(record.unavailable?.length ? { unavailable: [...record.unavailable] } : {}),
          ...(history.length > 0 ? { history } : {}),
        } as UnitEntry);
      }),
    stored: (step, roles) =>
      edit(step, (e) => {
        const files = { ...e.files };
        for (const r of roles) if (files[r]) files[r] = { ...files[r], stored: true };
        return { ...e, files };
      }),
  };
}
