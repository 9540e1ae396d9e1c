/**
 * Tasks and their lifecycle. Nothing runs in the background: at creation a task
 * gets a slot in its account's queue (start and finish times), and its status,
 * progress and queue position are derived from the clock whenever asked. So
 * thousands of tasks cost a few objects, and clock jumps just work.
 */
import { randomUUID } from "node:crypto";
import type { PostProcess, TaskKind, TaskStatus } from "../meshy/schemas.js";
import type { Clock } from "./clock.js";
import type { CatalogEntry } from "./library.js";

export interface RigInfo {
  heightMeters: number;
}

export interface AnimationInfo {
  rigTaskId: string;
  /** The rig's height, kept so clips can be built after the rig task is gone. */
  rigHeightMeters: number;
  action: CatalogEntry;
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
  rig?: RigInfo;
  animation?: AnimationInfo;
}

export interface TaskState {
  status: TaskStatus;
  progress: number;
  precedingTasks: number;
  /** 0 until the task is terminal (API-NOTES "Task object"). */
  expiresAt: number;
}

export interface StoreLimits {
  concurrentTasks: number;
  queueLimit: number;
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

/** Why a create was refused: the account's queue is full (API-NOTES "Errors", 429). */
export type QueueFull = "NoMoreConcurrentTasks" | "NoMorePendingTasks";

export class TaskStore {
  private byId = new Map<string, TaskRecord>();
  private accounts = new Map<string, Account>();

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

  /** Refusal reason when the account cannot queue another task now. */
  queueFull(account: string): QueueFull | undefined {
    const now = this.clock.now();
    const active = this.activeNow(this.accountOf(account), now);
    if (active.length < this.limits.queueLimit) return undefined;
    return active.some((t) => t.startedAt > now) ? "NoMorePendingTasks" : "NoMoreConcurrentTasks";
  }

  /**
   * Charges `cost` credits; false when the balance cannot cover it (402). Failed
   * tasks are refunded by the real service (API-NOTES), so callers do not charge them.
   */
  charge(account: string, cost: number): boolean {
    const a = this.accountOf(account);
    if (this.limits.credits !== undefined && a.spent + cost > this.limits.credits) return false;
    a.spent += cost;
    return true;
  }

  /** Creates a task queued FIFO behind the account's others. Check queueFull() first. */
  create(account: string, kind: TaskKind, detail: Pick<TaskRecord, "outcome" | "failMessage" | "rig" | "animation">): TaskRecord {
    const a = this.accountOf(account);
    const now = this.clock.now();
    const task: TaskRecord = { id: randomUUID(), kind, account, createdAt: now, startedAt: now, finishedAt: now, ...detail };
    this.place(a, task, now);
    this.byId.set(task.id, task);
    a.tasks.push(task);
    a.active.push(task);
    return task;
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

  /** The account's live tasks of one kind, creation order. */
  list(account: string, kind: TaskKind): TaskRecord[] {
    const now = this.clock.now();
    const a = this.accountOf(account);
    a.tasks = a.tasks.filter((t) => this.byId.has(t.id) && !this.isExpired(t, now));
    return a.tasks.filter((t) => t.kind === kind);
  }

  /** Removes a task. A queued or running one frees its slot; later tasks move up. */
  delete(id: string, account: string, kind: TaskKind): boolean {
    const t = this.get(id, account, kind);
    if (!t) return false;
    this.byId.delete(id);
    const now = this.clock.now();
    if (now < t.finishedAt) this.reschedule(this.accountOf(account), now);
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
