/**
 * The executor's write-ahead journal: each call changes one unit's lockfile
 * entry and resolves only once the lockfile on disk says so. The order the
 * executor calls these in is what makes a crash at any instant recoverable:
 * intent (before POST) → created (task id, the moment the answer arrives) →
 * finished → file, file, ...
 */
import type { FileRecord, Lockfile, PastTask, UnitEntry } from "../lockfile/schema.js";
import { deleteUnit, getUnit, pastTaskOf, pushHistory, setUnit } from "../lockfile/units.js";
import type { Task } from "../meshy/schemas.js";
import type { PlanStep } from "../plan/types.js";

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

/** The entry's history with its current task (if any) pushed to the front. */
function pastOf(e: UnitEntry): PastTask[] {
  const past = pastTaskOf(e);
  return past ? pushHistory(e.history, past) : (e.history ?? []);
}

export interface Journal {
  rigTaskId(character: string): string | undefined;
  intentAt(step: StepRef): number | undefined;
  currentTaskId(step: StepRef): string | undefined;
  /** Every task id the lockfile accounts for, current and past. */
  knownTaskIds(): Set<string>;
  /** Before a POST: what is about to be paid for. The previous task moves to history. */
  intent(step: StepRef, at: number, rigTaskId?: string): Promise<void>;
  /** The POST's answer was lost. */
  unknown(step: StepRef): Promise<void>;
  /** The task exists: its id, the moment the answer arrives. */
  created(step: StepRef, taskId: string): Promise<void>;
  /** The POST provably created nothing: back to what the entry was before the intent. */
  withdraw(step: StepRef): Promise<void>;
  failed(step: StepRef, error: { code: string; message: string }): Promise<void>;
  finished(step: StepRef, task: Task, credits: number): Promise<void>;
  /** A download step that re-uses another (still alive) task with the same inputs. */
  reuse(step: StepRef, task: Task): Promise<void>;
  unavailable(step: StepRef, roles: string[]): Promise<void>;
  file(step: StepRef, role: string, record: FileRecord): Promise<void>;
}

function taskTimes(task: Task): Partial<UnitEntry> {
  const t: Partial<UnitEntry> = {};
  // 0 means "not yet known" in Meshy's task objects.
  if (task.created_at) t.created_at = task.created_at;
  if (task.finished_at) t.finished_at = task.finished_at;
  if (task.expires_at) t.expires_at = task.expires_at;
  return t;
}

export function lockJournal(store: LockUpdater): Journal {
  /** Entries as they were before an intent in this run, for `withdraw`. */
  const before = new Map<string, UnitEntry | undefined>();
  const edit = (step: StepRef, fn: (e: UnitEntry) => UnitEntry) =>
    store.update((lock) => {
      const e = getEntry(lock, step);
      if (!e) throw new Error(`journal: no lockfile entry for ${step.key}`);
      setEntry(lock, step, fn(e));
    });

  return {
    rigTaskId: (character) => store.lock.characters[character]?.rig?.task_id,
    intentAt: (step) => getEntry(store.lock, step)?.intent_at,
    currentTaskId: (step) => getEntry(store.lock, step)?.task_id,
    knownTaskIds() {
      const ids = new Set<string>();
      const add = (e: UnitEntry | undefined) => {
        if (e?.task_id) ids.add(e.task_id);
        for (const h of e?.history ?? []) ids.add(h.task_id);
      };
      for (const c of Object.values(store.lock.characters)) {
        add(c.rig);
        for (const a of Object.values(c.animations)) add(a);
      }
      return ids;
    },
    intent(step, at, rigTaskId) {
      if (!step.digest || !step.inputs) throw new Error(`journal: step ${step.key} has no inputs`);
      return store.update((lock) => {
        const prev = getEntry(lock, step);
        if (!before.has(step.key)) before.set(step.key, prev && structuredClone(prev));
        const history = prev ? pastOf(prev) : [];
        const entry = {
          digest: step.digest!,
          inputs: step.inputs!,
          state: "intent" as const,
          intent_at: at,
          files: {},
          ...(history.length > 0 ? { history } : {}),
          ...(step.kind === "animation" && rigTaskId ? { rig_task_id: rigTaskId } : {}),
        } as UnitEntry;
        setEntry(lock, step, entry);
      });
    },
    unknown: (step) => edit(step, (e) => ({ ...e, state: "unknown" })),
    created: (step, taskId) => edit(step, (e) => ({ ...e, state: "pending", task_id: taskId })),
    withdraw(step) {
      const prev = before.get(step.key);
      return store.update((lock) => setEntry(lock, step, prev && structuredClone(prev)));
    },
    failed: (step, error) => edit(step, (e) => ({ ...e, state: "failed", error })),
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
        const { error: _dropped, ...rest } = e;
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
          ...(past?.credits !== undefined ? { credits: past.credits } : {}),
          ...(past?.rig_task_id ? { rig_task_id: past.rig_task_id } : {}),
          files: {},
          history,
        };
      }),
    unavailable: (step, roles) =>
      edit(step, (e) => ({ ...e, unavailable: [...new Set([...(e.unavailable ?? []), ...roles])].sort() })),
    file: (step, role, record) => edit(step, (e) => ({ ...e, files: { ...e.files, [role]: record } })),
  };
}
