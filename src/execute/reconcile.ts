/**
 * Finding the task a lost POST may have created. Meshy has no idempotency key
 * and task objects do not echo their inputs (API-NOTES), so the only evidence is
 * the list endpoint: tasks of that kind created since the intent was recorded
 * that no lockfile entry claims. rigup sends creates one at a time, so at most
 * one of its own tasks can be in that window; anything else means another
 * client shares the account, and then we refuse to guess.
 */
import type { MeshyApi } from "../meshy/api.js";
import type { Task, TaskKind } from "../meshy/schemas.js";

export type ReconcileResult =
  | { kind: "found"; task: Task }
  | { kind: "none" }
  | { kind: "ambiguous"; candidates: string[] };

export interface ReconcileOptions {
  kind: TaskKind;
  /** When the intent was recorded (local clock). */
  intentAt: number;
  /** Task ids the lockfile already accounts for (current entries and history). */
  known: ReadonlySet<string>;
  /** Tolerated difference between our clock and Meshy's. */
  clockSkewMs?: number;
  /** A second look after this delay before concluding nothing was created (lists may lag). */
  settleMs?: number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Bound on pages read: the window is short, so a few pages always cover it. */
  maxPages?: number;
}

const PAGE_SIZE = 50;

async function candidatesSince(api: MeshyApi, opts: ReconcileOptions): Promise<Task[]> {
  const since = opts.intentAt - (opts.clockSkewMs ?? 120_000);
  const found: Task[] = [];
  for (let page = 1; page <= (opts.maxPages ?? 10); page++) {
    const tasks = await api.listTasks(opts.kind, { pageNum: page, pageSize: PAGE_SIZE, sortBy: "-created_at", signal: opts.signal });
    for (const t of tasks) {
      if ((t.created_at ?? 0) >= since && !opts.known.has(t.id)) found.push(t);
    }
    const oldest = tasks.at(-1)?.created_at ?? 0;
    if (tasks.length < PAGE_SIZE || oldest < since) return found;
  }
  return found;
}

export async function reconcileLostCreate(api: MeshyApi, opts: ReconcileOptions): Promise<ReconcileResult> {
  let candidates = await candidatesSince(api, opts);
  if (candidates.length === 0) {
    await opts.sleep(opts.settleMs ?? 2_000);
    candidates = await candidatesSince(api, opts);
  }
  if (candidates.length === 0) return { kind: "none" };
  if (candidates.length === 1) return { kind: "found", task: candidates[0]! };
  return { kind: "ambiguous", candidates: candidates.map((t) => t.id) };
}
