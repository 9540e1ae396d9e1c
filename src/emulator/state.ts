/**
 * Tasks and their lifecycle. Nothing runs in the background: at creation a task
 * gets a slot in its account's queue (start and finish times), and its status,
 * progress and queue position are derived from the clock whenever asked. So
 * thousands of tasks cost a few objects, and clock jumps just work.
 */
import { randomUUID } from "node:crypto";
import type { MotionStyle } from "../gltf/motion.js";
import type { Clock } from "./clock.js";
import type { PostProcess, TaskKind, TaskStatus } from "./wire.js";

export interface RigInfo {
  heightMeters: number;
  /** v2 `animation_type`; absent = biped (v1 rigs, saved tasks from before). */
  animationType?: "biped" | "quadruped";
}

/** One clip of an animation's files: a library action or a text-to-motion stand-in. */
export interface ClipSource {
  name: string;
  durationSec: number;
  motion: MotionStyle;
}

export interface AnimationInfo {
  rigTaskId: string;
  /** The rig's height, kept so clips can be built after the rig task is gone. */
  rigHeightMeters: number;
  /** The first (or only) clip: it names the files. */
  action: ClipSource;
  /** Every clip in request order, when `action_ids` named several. */
  clips?: ClipSource[];
  postProcess?: PostProcess;
}

export interface TaskRecord {
  id: string;
  kind: TaskKind;
  /** Digest of the account's key: tasks are only visible to their account. */
  account: string;
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  outcome: "SUCCEEDED" | "FAILED";
  failMessage?: string;
  /** Credits charged at creation (refunded if FAILED, or deleted while PENDING). */
  credits: number;
  /** The create request's fields as sent (v2 `input`); data URIs as digests. */
  input: Record<string, unknown>;
  rig?: RigInfo;
  animation?: AnimationInfo;
}

export interface TaskState {
  status: TaskStatus;
  progress: number;
  precedingTasks: number;
  /** 0 until the task is terminal (docs/meshy-api.md §6.3). */
  expiresAt: number;
}

export interface StoreLimits {
  concurrentTasks: number;
  /** Starting credit balance of each account; undefined = unlimited. */
  credits?: number;
  durations: Record<TaskKind, number>;
  retention: Record<TaskKind, number>;
}

interface Account {
  /** Credits charged so far (failed tasks are refunded, so never charged). */
  spent: number;
  tasks: TaskRecord[];
  /** Tasks that may still be non-terminal, creation order; pruned lazily. */
  active: TaskRecord[];
  slotFreeAt: number[];
}

export class TaskStore {
  private byId = new Map<string, TaskRecord>();
  private accounts = new Map<string, Account>();
  /** Called after every create and delete (emulator/persist.ts saves then). */
  onChange?: () => void;

  constructor(
    private readonly clock: Clock,
    private readonly limits: StoreLimits,
  ) {}

  private accountOf(key: string): Account {
    let a = this.accounts.get(key);
    if (!a) {
      a = { spent: 0, tasks: [], active: [], slotFreeAt: new Array<number>(this.limits.concurrentTasks).fill(0) };
      this.accounts.set(key, a);
    }
    return a;
  }

  private activeNow(a: Account, now: number): TaskRecord[] {
    a.active = a.active.filter((t) => now < t.finishedAt && this.byId.has(t.id));
    return a.active;
  }

  /** The account's unfinished tasks (what the queue limits count): all of them, and those still PENDING. */
  inFlight(account: string): { total: number; pending: number } {
    const now = this.clock.now();
    const active = this.activeNow(this.accountOf(account), now);
    return { total: active.length, pending: active.filter((t) => t.startedAt > now).length };
  }

  /**
   * Charges `cost` credits; false when the balance cannot cover it (402). Failed
   * tasks are refunded by the real service (docs/meshy-api.md §6.1), so callers do not charge them.
   */
  charge(account: string, cost: number): boolean {
    const a = this.accountOf(account);
    if (this.limits.credits !== undefined && a.spent + cost > this.limits.credits) return false;
    a.spent += cost;
    return true;
  }

  /** Creates a task queued FIFO behind the account's others. Check the limits (inFlight()) first. */
  create(
    account: string,
    kind: TaskKind,
    detail: Pick<TaskRecord, "outcome" | "failMessage" | "credits" | "input" | "rig" | "animation">,
  ): TaskRecord {
    const a = this.accountOf(account);
    const now = this.clock.now();
    const task: TaskRecord = { id: randomUUID(), kind, account, createdAt: now, startedAt: now, finishedAt: now, ...detail };
    this.place(a, task, now);
    this.byId.set(task.id, task);
    a.tasks.push(task);
    a.active.push(task);
    this.onChange?.();
    return task;
  }

  /** Every task that still exists, for saving. */
  records(): TaskRecord[] {
    return [...this.byId.values()];
  }

  /** Puts saved tasks back with their times as they were: those that finished meanwhile are done, expired ones gone. */
  restore(records: readonly TaskRecord[]): void {
    const now = this.clock.now();
    for (const t of records) {
      if (this.byId.has(t.id) || this.isExpired(t, now)) continue;
      const a = this.accountOf(t.account);
      this.byId.set(t.id, t);
      a.tasks.push(t);
      if (now < t.finishedAt) a.active.push(t);
    }
    for (const a of this.accounts.values()) this.reschedule(a, now);
  }

  /** Earliest free slot, never before `notBefore`: creation order is queue order. */
  private place(a: Account, task: TaskRecord, notBefore: number): void {
    let slot = 0;
    for (let i = 1; i < a.slotFreeAt.length; i++) if (a.slotFreeAt[i]! < a.slotFreeAt[slot]!) slot = i;
    task.startedAt = Math.max(notBefore, a.slotFreeAt[slot]!);
    task.finishedAt = task.startedAt + this.limits.durations[task.kind];
    a.slotFreeAt[slot] = task.finishedAt;
  }

  /** The task if it exists, belongs to `account` (when given) and has not expired. */
  get(id: string, account?: string, kind?: TaskKind): TaskRecord | undefined {
    const t = this.byId.get(id);
    if (!t || (account !== undefined && t.account !== account) || (kind !== undefined && t.kind !== kind)) return undefined;
    if (this.isExpired(t, this.clock.now())) {
      this.byId.delete(id);
      return undefined;
    }
    return t;
  }

  private isExpired(t: TaskRecord, now: number): boolean {
    return now >= t.finishedAt + this.limits.retention[t.kind];
  }

  state(t: TaskRecord, now = this.clock.now()): TaskState {
    if (now < t.startedAt) {
      const active = this.activeNow(this.accountOf(t.account), now);
      const preceding = active.slice(0, active.indexOf(t)).filter((o) => o.startedAt > now).length;
      return { status: "PENDING", progress: 0, precedingTasks: preceding, expiresAt: 0 };
    }
    if (now < t.finishedAt) {
      const progress = Math.floor(((now - t.startedAt) / (t.finishedAt - t.startedAt)) * 100);
      return { status: "IN_PROGRESS", progress: Math.min(99, Math.max(0, progress)), precedingTasks: 0, expiresAt: 0 };
    }
    return {
      status: t.outcome,
      progress: t.outcome === "SUCCEEDED" ? 100 : 0,
      precedingTasks: 0,
      expiresAt: t.finishedAt + this.limits.retention[t.kind],
    };
  }

  /** The account's live tasks of one kind, creation order (both API versions' tasks: one store). */
  list(account: string, kind: TaskKind): TaskRecord[] {
    const now = this.clock.now();
    const a = this.accountOf(account);
    a.tasks = a.tasks.filter((t) => this.byId.has(t.id) && !this.isExpired(t, now));
    return a.tasks.filter((t) => t.kind === kind);
  }

  /**
   * Removes a task. A queued or running one frees its slot; later tasks move up.
   * A PENDING one is refunded (docs/meshy-api.md §3.5, INFERRED); tasks bound to fail were never charged.
   */
  delete(id: string, account: string, kind?: TaskKind): boolean {
    const t = this.get(id, account, kind);
    if (!t) return false;
    const now = this.clock.now();
    const a = this.accountOf(account);
    if (this.state(t, now).status === "PENDING" && t.outcome === "SUCCEEDED") a.spent -= t.credits;
    this.byId.delete(id);
    if (now < t.finishedAt) this.reschedule(a, now);
    this.onChange?.();
    return true;
  }

  private reschedule(a: Account, now: number): void {
    const active = this.activeNow(a, now);
    a.slotFreeAt.fill(now);
    const running = active.filter((t) => t.startedAt <= now);
    running.forEach((t, i) => (a.slotFreeAt[i] = t.finishedAt));
    for (const t of active) if (t.startedAt > now) this.place(a, t, Math.max(now, t.createdAt));
  }

  reset(): void {
    this.byId.clear();
    this.accounts.clear();
  }
}
