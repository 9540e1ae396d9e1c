/**
 * Carries out a plan: creates only the tasks the plan says to pay for, waits for
 * them, downloads their outputs into the deterministic tree, and journals every
 * step in the lockfile before the next one (write-ahead), so a crash at any
 * instant is followed by a build that resumes instead of paying again.
 *
 * This file schedules and waits: one p-queue of task jobs (a job holds a slot
 * from POST until its task is terminal; the account's queue limit counts exactly
 * those), rigs prioritised, a character's animations enqueued the moment its rig
 * succeeds. Creating (creator.ts) and downloading (fetch-outputs.ts) are parts of
 * their own; downloads run in their own queue, beside the task slots.
 */
import { setMaxListeners } from "node:events";
import { sleep } from "../async/sleep.js";
import PQueue from "p-queue";
import type { MeshyApi } from "../meshy/api.js";
import { isMeshyError, MeshyError } from "../meshy/errors.js";
import { CREDITS, type Task } from "../meshy/schemas.js";
import type { ResolvedCharacter, ResolvedManifest } from "../manifest/resolve.js";
import { animationOutputs, rigOutputs, type OutputFile } from "../manifest/layout.js";
import type { Plan, PlanStep } from "../plan/types.js";
import { stepRequest } from "./create-request.js";
import { Creator } from "./creator.js";
import { ContentError } from "../outputs/write-output.js";
import { emptySummary, fileLanded, type Emit, type EventSink, type ExecEvent, type RunSummary, type UnitOutcome } from "./events.js";
import { OutputFetcher } from "./fetch-outputs.js";
import { runMerges } from "./merge-outputs.js";
import type { Journal } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { StoreLink } from "./store-link.js";
import type { ObjectStore } from "../store/object-store.js";
import type { Target } from "../lockfile/schema.js";
import type { UnitRecord } from "../store/record.js";
import { STORE_CONCURRENCY } from "../store/object-store.js";
import { join } from "node:path";
import { UnitStop } from "./unit-stop.js";

export interface ExecuteOptions {
  plan: Plan;
  manifest: ResolvedManifest;
  /** Local model/texture paths in the manifest are relative to this directory. */
  manifestDir: string;
  /** The lockfile's absolute path (the ledger names it). */
  lockfile: string;
  outDir: string;
  api: MeshyApi;
  journal: Journal;
  /** Task ids other rigup runs on this machine hold for this account: never reconcile candidates. */
  ledger?: Ledger;
  /** Task slots: how many of our tasks may be queued at Meshy at once (the account's queue limit). */
  concurrency: number;
  downloadConcurrency?: number;
  /** Re-send a create whose lost answer cannot be matched to a task (may pay twice). */
  resendUnknown?: boolean;
  /** `--frozen`: never POST a create; a unit that would need one is blocked (the lockfile is left as it was). */
  noCreate?: boolean;
  /** Stops new submissions when aborted (first Ctrl-C). */
  signal?: AbortSignal;
  /** After an interrupt, how long running waits and downloads may go on before they are cut. */
  interruptGraceMs?: number;
  onEvent?: EventSink;
  now?: () => number;
  /** Default async/sleep.ts; a replacement keeps its contract (rejects with the signal's reason on abort). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Bound on waiting for the account queue to free up (429 NoMoreConcurrentTasks). */
  queueFullMaxWaitMs?: number;
  /** The team store: outputs are written through, units restored and adopted from it (store-link.ts). */
  store?: { store: ObjectStore; target: Target; claimWaitMs?: number };
  /** Last work of the run, before its summary is reported (uploading what the store lacks). */
  beforeDone?: (summary: RunSummary) => Promise<void>;
  /** Called after each file lands, so the stat cache can skip hashing it next time. */
  onFileWritten?: (absPath: string, facts: { size: number; mtimeMs: number; sha256: string }) => void;
}

type StopReason = NonNullable<RunSummary["stopReason"]>;

export async function execute(opts: ExecuteOptions): Promise<RunSummary> {
  return new Executor(opts).run();
}

class Executor {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly tasks: PQueue;
  private readonly downloads: PQueue;
  /** Copies from the team store: bounded by the store's limit, not by Meshy's task slots. */
  private readonly restores = new PQueue({ concurrency: STORE_CONCURRENCY });
  /** Cut on the second stage of an interrupt: ends waits and downloads. */
  private readonly hardStop = new AbortController();
  private stopReason: StopReason | undefined;
  private readonly creator: Creator;
  private readonly fetcher: OutputFetcher;
  private readonly store: StoreLink | undefined;
  /** Our tasks that exist at Meshy and are not terminal. */
  private inFlight = 0;
  private finishWaiters: Array<() => void> = [];
  private readonly started: number;
  private readonly summary: RunSummary = emptySummary();
  /** Characters with a unit that did not land this run: their merges wait for the build that lands it. */
  private readonly unlanded = new Set<string>();

  constructor(private readonly o: ExecuteOptions) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? sleep;
    this.tasks = new PQueue({ concurrency: Math.max(1, o.concurrency) });
    this.downloads = new PQueue({ concurrency: Math.max(1, o.downloadConcurrency ?? o.concurrency) });
    this.started = this.now();
    // One signal fans out to every wait and download in flight: many listeners is by design.
    setMaxListeners(0, this.hardStop.signal);
    const shared = {
      api: o.api,
      journal: o.journal,
      emit: this.emit.bind(this),
      now: this.now,
      sleep: this.sleep,
      signal: this.hardStop.signal,
    };
    this.creator = new Creator({
      ...shared,
      ledger: o.ledger,
      manifestDir: o.manifestDir,
      lockfile: o.lockfile,
      noCreate: o.noCreate,
      resendUnknown: o.resendUnknown,
      queueFullMaxWaitMs: o.queueFullMaxWaitMs,
      stopping: () => this.stopReason,
      stop: (reason, message) => this.stop(reason, message),
      onQueueFull: async (step, attempt) => {
        // Hold back the other jobs too: the account has no room for them either.
        this.tasks.concurrency = Math.max(1, Math.min(this.tasks.concurrency, this.inFlight));
        this.emit({ type: "queue:full", key: step.key, concurrency: this.tasks.concurrency });
        await this.nextTaskFinish(Math.min(60_000, 2_000 * 1.5 ** attempt));
      },
    });
    this.store = o.store && new StoreLink({ ...o.store, lockfile: o.lockfile, emit: shared.emit, now: this.now, sleep: this.sleep });
    this.fetcher = new OutputFetcher({
      ...shared,
      outDir: o.outDir,
      queue: this.downloads,
      summary: this.summary,
      getTask: (step, id) => this.getTask(step, id),
      store: this.store,
      onFileWritten: o.onFileWritten,
    });
  }

  private emit(e: Parameters<Emit>[0]): void {
    this.o.onEvent?.({ ...e, at: this.now() } as ExecEvent);
  }

  async run(): Promise<RunSummary> {
    const { plan } = this.o;
    const onAbort = () => this.stop("interrupt", "interrupted: no new tasks will be submitted");
    if (this.o.signal?.aborted) onAbort();
    this.o.signal?.addEventListener("abort", onAbort, { once: true });
    this.emit({ type: "run:start", plan: plan.summary, concurrency: this.tasks.concurrency });

    const steps = plan.steps.filter((s) => s.action !== "prune");
    this.summary.upToDate = steps.filter((s) => s.action === "noop").length;
    const byCharacter = new Map<string, PlanStep[]>();
    for (const s of steps) {
      if (s.action === "noop") continue;
      byCharacter.set(s.character, [...(byCharacter.get(s.character) ?? []), s]);
    }

    // Lost creates are settled before anything new is sent: a new POST in the
    // reconcile window would make the match ambiguous.
    const resolved = new Map<string, PlanStep | null>();
    const characters = new Map(this.o.manifest.characters.map((c) => [c.name, c]));
    for (const s of steps.filter((x) => x.action === "reconcile")) {
      try {
        const character = characters.get(s.character)!;
        resolved.set(
          s.key,
          await this.creator.reconcile(s, stepRequest(character, s, this.o.manifestDir, this.o.journal.intentRigTaskId(s))),
        );
      } catch (err) {
        await this.unitFailed(s, err);
        resolved.set(s.key, null);
      }
    }

    await Promise.all(
      [...byCharacter].map(([name, list]) => {
        const character = characters.get(name);
        if (!character) throw new Error(`plan names character ${name} that the manifest does not have`);
        const live = list.flatMap((s) => (resolved.has(s.key) ? (resolved.get(s.key) ?? []) : [s]));
        return this.runCharacter(character, live, resolved.get(`${name}/rig`) === null);
      }),
    );
    await Promise.all([this.downloads.onIdle(), this.restores.onIdle()]);
    if (this.stopReason !== "interrupt") {
      await runMerges(plan.merges, characters, {
        journal: this.o.journal,
        outDir: this.o.outDir,
        emit: this.emit.bind(this),
        summary: this.summary,
        store: this.store,
        signal: this.hardStop.signal,
        unlanded: this.unlanded,
        onFileWritten: this.o.onFileWritten,
      });
      await this.o.beforeDone?.(this.summary);
    }

    this.summary.wallMs = this.now() - this.started;
    this.summary.interrupted = this.stopReason === "interrupt";
    this.summary.stopReason = this.stopReason;
    this.o.signal?.removeEventListener("abort", onAbort);
    this.emit({ type: "run:done", summary: { ...this.summary } });
    return this.summary;
  }

  /** Stop new submissions; running tasks are still awaited and recorded. */
  private stop(reason: StopReason, message: string): void {
    if (this.stopReason) return;
    this.stopReason = reason;
    this.emit({ type: "run:stopping", reason, message });
    if (reason === "interrupt") {
      const grace = this.o.interruptGraceMs ?? 3_000;
      const t = setTimeout(() => this.hardStop.abort(), grace);
      t.unref?.();
    }
  }

  /** The steps of one character. `rigBlocked`: its rig could not be reconciled. */
  private async runCharacter(character: ResolvedCharacter, live: PlanStep[], rigBlocked: boolean): Promise<void> {
    const rigStep = live.find((s) => s.kind === "rig");
    const rigKey = `${character.name}/rig`;
    const animSteps = live.filter((s) => s.kind === "animation");
    const dependent = animSteps.filter((s) => s.dependsOn === rigKey);
    const independent = animSteps.filter((s) => s.dependsOn !== rigKey);
    const jobs = independent.map((s) => this.runUnit(character, s, this.o.journal.rigTaskId(character.name)));
    if (rigStep || rigBlocked) {
      // Animations start the moment the rig task succeeds, while its files download.
      let ready!: (taskId: string | undefined) => void;
      const rigReady = new Promise<string | undefined>((r) => (ready = r));
      if (rigStep) jobs.push(this.runUnit(character, rigStep, undefined, ready));
      else ready(undefined);
      const rigTaskId = await rigReady;
      for (const s of dependent) {
        jobs.push(
          rigTaskId
            ? this.runUnit(character, s, rigTaskId)
            : Promise.resolve(this.finishUnit(s, "blocked", `its rig ${rigKey} did not succeed`, "RIG_FAILED")),
        );
      }
    }
    await Promise.all(jobs);
  }

  /** Runs one step to its end; never throws (failures are recorded and reported). */
  private async runUnit(
    character: ResolvedCharacter,
    step: PlanStep,
    rigTaskId?: string,
    onTaskReady?: (taskId: string | undefined) => void,
  ): Promise<void> {
    this.emit({ type: "unit:start", key: step.key, kind: step.kind, action: step.action });
    try {
      if (step.action === "restore") {
        await this.restoreUnit(character, step, step.adopt);
        onTaskReady?.(step.taskId ?? this.o.journal.currentTaskId(step));
        return this.finishUnit(step, "restored");
      }
      const obtained = await this.obtainTask(character, step, rigTaskId);
      if ("adopted" in obtained) {
        await this.restoreUnit(character, step, obtained.adopted);
        onTaskReady?.(obtained.adopted.task_id);
        return this.finishUnit(step, "restored");
      }
      const { task, outcome, roles } = obtained;
      onTaskReady?.(task.id);
      await this.fetcher.fetchAll(
        step,
        this.wanted(character, step).filter((f) => roles.includes(f.role)),
        task,
      );
      await this.store?.settle(step, this.o.journal.entry(step));
      this.finishUnit(step, outcome);
    } catch (err) {
      onTaskReady?.(undefined);
      await this.store?.release(step);
      await this.unitFailed(step, err);
    }
  }

  /**
   * Copies a unit's outputs from the team store: those its lockfile entry records, or,
   * `adopt`ing a unit the team paid for, those of the store's record (taken into the
   * lockfile first, so the id is never lost).
   */
  private async restoreUnit(character: ResolvedCharacter, step: PlanStep, adopt: UnitRecord | undefined): Promise<void> {
    const { store } = this;
    if (!store) throw new UnitStop("blocked", "its outputs are in the team store, and no store is configured here", "NO_STORE");
    if (adopt) await this.o.journal.adopt(step, adopt);
    const entry = this.o.journal.entry(step);
    const roles = adopt ? Object.keys(adopt.files) : step.missing;
    const files = this.wanted(character, step).filter((f) => roles.includes(f.role));
    const results = await Promise.allSettled(
      files.map((f) =>
        this.restores.add(async () => {
          const stored = adopt ? adopt.files[f.role] : entry?.files[f.role];
          if (!stored) return;
          const abs = join(this.o.outDir, ...f.path.split("/"));
          const result = await store.restore(
            stored,
            this.o.outDir,
            { abs, path: f.path, format: f.format },
            {
              signal: this.hardStop.signal,
              onBytes: (bytes) => this.emit({ type: "file:progress", key: step.key, path: f.path, bytes, total: stored.size }),
            },
          );
          const record = { path: f.path, size: result.size, sha256: result.sha256, stored: true as const };
          const prev = entry?.files[f.role];
          // A pull of 2,000 files rewrites the lockfile only where it changes.
          if (adopt || prev?.path !== record.path || prev.stored !== true) await this.o.journal.file(step, f.role, record);
          this.o.onFileWritten?.(abs, result);
          fileLanded(this.summary, this.emit.bind(this), step.key, f.path, result);
        }),
      ),
    );
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failure) throw failure.reason;
  }

  /** The succeeded task whose files this step downloads. Task slots are held only while a task runs. */
  private async obtainTask(
    character: ResolvedCharacter,
    step: PlanStep,
    rigTaskId?: string,
  ): Promise<{ task: Task; outcome: UnitOutcome; roles: string[] } | { adopted: UnitRecord }> {
    const priority = step.kind === "rig" ? 1 : 0;
    const all = () => this.wanted(character, step).map((f) => f.role);
    switch (step.action) {
      case "download": {
        const task = await this.getTask(step, step.taskId!);
        // Re-using an earlier task with the same inputs (plan's reuse rule): it becomes current.
        if (task.id !== this.o.journal.currentTaskId(step)) {
          await this.o.journal.reuse(step, task);
          return { task, outcome: "downloaded", roles: all() };
        }
        return { task, outcome: "downloaded", roles: step.missing };
      }
      case "resume": {
        const task = await this.tasks.add(() => this.waitFor(step, step.taskId!), { priority });
        return { task, outcome: "resumed", roles: all() };
      }
      case "create":
      case "replace": {
        // The team may have paid for it since the plan, or be paying now: adopt, or wait for its record.
        if (!this.o.noCreate) {
          const adopted = await this.store?.beforePay(step, rigTaskId, all(), this.hardStop.signal);
          if (adopted) return { adopted };
        }
        const task = await this.tasks.add(async () => this.waitFor(step, await this.creator.create(character, step, rigTaskId)), {
          priority,
        });
        return { task, outcome: "created", roles: all() };
      }
      default:
        throw new Error(`executor cannot run a ${step.action} step`);
    }
  }

  private finishUnit(step: Pick<PlanStep, "key" | "character">, outcome: UnitOutcome, message?: string, code?: string): void {
    const key = (
      {
        created: "created",
        resumed: "resumed",
        downloaded: "downloaded",
        restored: "restored",
        failed: "failed",
        blocked: "blocked",
        interrupted: "blocked",
      } as const
    )[outcome];
    this.summary[key] += 1;
    if (key === "failed" || key === "blocked") this.unlanded.add(step.character);
    this.emit({ type: "unit:done", key: step.key, outcome, message, code });
  }

  private async unitFailed(step: PlanStep, err: unknown): Promise<void> {
    if (err instanceof UnitStop) return this.finishUnit(step, err.outcome, err.message, err.code);
    if (isMeshyError(err, "AUTH", "CREDITS")) {
      this.stop(err.code === "AUTH" ? "auth" : "credits", err.message);
      return this.finishUnit(step, "blocked", err.message, err.code);
    }
    if (isMeshyError(err, "ABORTED") || this.hardStop.signal.aborted) {
      return this.finishUnit(step, "interrupted", "interrupted; the next `rigup build` resumes it", "INTERRUPTED");
    }
    const code = err instanceof MeshyError || err instanceof ContentError ? err.code : "ERROR";
    this.finishUnit(step, "failed", err instanceof Error ? err.message : String(err), code);
  }

  private wanted(character: ResolvedCharacter, step: PlanStep): OutputFile[] {
    if (step.kind === "rig") return rigOutputs(character.name, this.o.manifest.formats);
    const action = character.actions.find((a) => a.name === step.name);
    if (!action) throw new Error(`no action ${step.name} in character ${character.name}`);
    return animationOutputs(character.name, action, this.o.manifest.formats);
  }

  // ---- waiting --------------------------------------------------------------

  private async waitFor(step: PlanStep, taskId: string): Promise<Task> {
    let task: Task;
    this.inFlight += 1;
    try {
      task = await this.o.api.waitForTask(step.kind, taskId, {
        signal: this.hardStop.signal,
        onProgress: (p) =>
          this.emit({
            type: "task:progress",
            key: step.key,
            taskId,
            status: p.status,
            progress: p.progress,
            precedingTasks: p.precedingTasks,
          }),
      });
    } catch (err) {
      this.taskEnded();
      if (isMeshyError(err, "NOT_FOUND")) {
        await this.o.journal.gone(step, taskId, this.now());
        await this.o.journal.failed(step, { code: "NOT_FOUND", message: `task ${taskId} is gone (expired or deleted)` });
        throw new UnitStop(
          "failed",
          `task ${taskId} is gone (expired or deleted); \`rigup plan\` shows what re-making it costs`,
          "NOT_FOUND",
        );
      }
      throw err;
    }
    this.taskEnded();
    const credits = task.status === "SUCCEEDED" ? (task.consumed_credits ?? CREDITS[step.kind]) : 0;
    await this.o.journal.finished(step, task, credits);
    this.emit({
      type: "task:finished",
      key: step.key,
      taskId,
      status: task.status,
      credits,
      message: task.task_error?.message || undefined,
    });
    if (task.status !== "SUCCEEDED") {
      throw new UnitStop(
        "failed",
        `task ${task.status.toLowerCase()}: ${task.task_error?.message || "no message from Meshy"}`,
        task.status,
      );
    }
    if (step.action === "create" || step.action === "replace") this.summary.creditsSpent += credits;
    return task;
  }

  private taskEnded(): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    // A finished task frees a place in the account queue: let one more job start.
    if (this.tasks.concurrency < this.o.concurrency) this.tasks.concurrency += 1;
    const waiters = this.finishWaiters;
    this.finishWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when one of our tasks finishes, or after `maxMs` when none may (another client fills the queue). */
  private nextTaskFinish(maxMs: number): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const finish = () => {
        if (done) return;
        done = true;
        resolve();
      };
      this.finishWaiters.push(finish);
      // A hard stop ends the wait too.
      void this.sleep(this.inFlight > 0 ? Math.max(maxMs, 60_000) : maxMs, this.hardStop.signal).then(finish, finish);
    });
  }

  /** A GET of the step's task; a 404 is recorded, so the next plan offers the paid re-make instead of this download. */
  private async getTask(step: PlanStep, id: string): Promise<Task> {
    try {
      return await this.o.api.getTask(step.kind, id, { signal: this.hardStop.signal });
    } catch (err) {
      if (isMeshyError(err, "NOT_FOUND")) {
        await this.o.journal.gone(step, id, this.now());
        throw new UnitStop(
          "failed",
          `task ${id} is gone (expired or deleted), so its files cannot be fetched again for free; \`rigup plan\` shows what re-making it costs`,
          "NOT_FOUND",
        );
      }
      throw err;
    }
  }
}
