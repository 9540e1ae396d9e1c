/**
 * Finding the task a lost create may have made. There is no idempotency key and v1
 * task objects do not echo their inputs (docs/meshy-api.md §3.3, §6.2), so the only evidence is the
 * list endpoint: tasks of that kind created inside the window in which our request
 * could have made one, that no lockfile entry or other rigup run on this machine
 * (the ledger) holds. rigup sends creates one at a time, so at most one of its own
 * tasks can be in that window; anything more means another client shares the
 * account, and then rigup refuses to guess.
 *
 * The window is on Meshy's clock (the `Date` of its answers, service-clock.ts), never
 * the local one: a local clock minutes off would turn "created before our request"
 * into "created nothing" and pay twice. Under v2 a task also echoes the request it
 * was made from: a candidate whose echo is another request is no candidate.
 */
import type { MeshyApi } from "../meshy/api.js";
import type { Task, TaskKind } from "../meshy/schemas.js";

export type ReconcileResult = { kind: "found"; task: Task } | { kind: "none" } | { kind: "ambiguous"; candidates: string[] };

/** On Meshy's clock. `from` undefined: the request time is unknown (no lower bound). `to` undefined: up to now. */
export interface CreateWindow {
  from?: number;
  to?: number;
}

export interface ReconcileOptions {
  kind: TaskKind;
  window: CreateWindow;
  /** Task ids already held (lockfile entries and history, the ledger); asked again on each look. */
  known: () => Promise<ReadonlySet<string>>;
  /** Whether a task's request echo is our request (MeshyApi.echoVerdict); false rules it out. */
  verdict?: (task: Task) => boolean | undefined;
  /** The look waits this long first: lists may lag, and another run's answer (and its ledger line) may be on its way. */
  settleMs?: number;
  sleep: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** Bound on pages read: a window of seconds fits in a few pages; without a lower bound, this is the bound. */
  maxPages?: number;
}

const PAGE_SIZE = 50;

async function candidatesIn(api: MeshyApi, opts: ReconcileOptions): Promise<Task[]> {
  const { from, to } = opts.window;
  const known = await opts.known();
  const found: Task[] = [];
  for (let page = 1; page <= (opts.maxPages ?? 10); page++) {
    const tasks = await api.listTasks(opts.kind, { pageNum: page, pageSize: PAGE_SIZE, sortBy: "-created_at", signal: opts.signal });
    for (const t of tasks) {
      const at = t.created_at ?? 0;
      const inWindow = (from === undefined || at >= from) && (to === undefined || at <= to);
      if (inWindow && !known.has(t.id) && opts.verdict?.(t) !== false) found.push(t);
    }
    const oldest = tasks.at(-1)?.created_at ?? 0;
    if (tasks.length < PAGE_SIZE || (from !== undefined && oldest < from)) return found;
  }
  return found;
}

export async function reconcileLostCreate(api: MeshyApi, opts: ReconcileOptions): Promise<ReconcileResult> {
  await opts.sleep(opts.settleMs ?? 2_000);
  const candidates = await candidatesIn(api, opts);
  if (candidates.length === 0) return { kind: "none" };
  if (candidates.length === 1) return { kind: "found", task: candidates[0]! };
  return { kind: "ambiguous", candidates: candidates.map((t) => t.id) };
}
