/**
 * Creating tasks: the write-ahead intent, the POST, and what its answer (or its
 * loss) means for the lockfile. Creates are sent one at a time so that a lost
 * answer can be reconciled unambiguously (reconcile.ts). Every paid id is
 * journalled the moment it is known.
 */
import type { AnimationInput, MeshyApi, RigInput } from "../meshy/api.js";
import { isMeshyError } from "../meshy/errors.js";
import { SERVICE_CLOCK_MARGIN_MS } from "../meshy/service-clock.js";
import { CREDITS, type TaskKind } from "../meshy/schemas.js";
import type { ResolvedCharacter } from "../manifest/resolve.js";
import type { PlanStep } from "../plan/types.js";
import { animationRequest, rigRequest } from "./create-request.js";
import type { Emit, RunSummary } from "./events.js";
import type { Journal } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { reconcileLostCreate, type CreateWindow } from "./reconcile.js";
import { UnitStop } from "./unit-stop.js";

/** Creates whose answers were lost and that provably created nothing, before the unit gives up. */
const LOST_ANSWER_ATTEMPTS = 3;

export interface CreateContext {
  api: MeshyApi;
  journal: Journal;
  ledger?: Ledger;
  manifestDir: string;
  /** The lockfile's absolute path: ledger lines name it, so a run finds its own ids there. */
  lockfile: string;
  noCreate?: boolean;
  resendUnknown?: boolean;
  queueFullMaxWaitMs?: number;
  emit: Emit;
  now: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  signal: AbortSignal;
  /** Why the run stops submitting, if it does. */
  stopping: () => NonNullable<RunSummary["stopReason"]> | undefined;
  /** The account's queue is full: hold back and wait (the executor owns the task slots). */
  onQueueFull: (step: PlanStep, attempt: number) => Promise<void>;
  /** Stops new submissions (the lockfile cannot record what is paid). */
  stop: (reason: NonNullable<RunSummary["stopReason"]>, message: string) => void;
}

/** Writes of a just-paid id before the run stops submitting. */
const RECORD_ATTEMPTS = 3;

export class Creator {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly c: CreateContext) {}

  /** Sends the step's create; a full account queue waits (bounded) for one of our tasks to finish. */
  async create(character: ResolvedCharacter, step: PlanStep, rigTaskId?: string): Promise<string> {
    const deadline = this.c.now() + (this.c.queueFullMaxWaitMs ?? 30 * 60_000);
    for (let attempt = 0; ; attempt++) {
      this.refuseWhenStopping();
      try {
        return await this.serialized(() => this.post(character, step, rigTaskId));
      } catch (err) {
        if (!isMeshyError(err, "QUEUE_FULL") || this.c.now() > deadline) throw err;
        await this.c.onQueueFull(step, attempt);
      }
    }
  }

  private refuseWhenStopping(): void {
    const reason = this.c.stopping();
    if (reason) throw new UnitStop("blocked", `not submitted: run stopping (${reason})`, "STOPPED");
  }

  /** One create at a time (see reconcile.ts). */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.chain.then(fn, fn);
    this.chain = run.catch(() => undefined);
    return run;
  }

  private async post(character: ResolvedCharacter, step: PlanStep, rigTaskId?: string, attempt = 1): Promise<string> {
    this.refuseWhenStopping();
    // Checked before the intent is journalled: a refused create leaves no trace.
    if (this.c.noCreate) throw new UnitStop("blocked", "--frozen: this needs a new paid task; nothing was sent", "FROZEN");
    const { journal, api } = this.c;
    const sentAt = await this.serviceNow(step.kind);
    await journal.intent(step, sentAt ?? this.c.now(), { rigTaskId, onMeshyClock: sentAt !== undefined });
    this.c.emit({ type: "task:intent", key: step.key, kind: step.kind });
    const request = step.kind === "rig" ? rigRequest(character, this.c.manifestDir) : animationRequest(character, step, rigTaskId);
    try {
      const id = "rigTaskId" in request ? await api.createAnimation(request) : await api.createRig(request);
      await this.created(step, id);
      return id;
    } catch (err) {
      if (isMeshyError(err, "UNKNOWN_OUTCOME")) {
        await journal.unknown(step);
        // Our task, if any, was made between the intent and now, both on Meshy's clock.
        const lostAt = api.serviceNow();
        const window: CreateWindow =
          sentAt === undefined
            ? {}
            : { from: sentAt - SERVICE_CLOCK_MARGIN_MS, to: lostAt === undefined ? undefined : lostAt + SERVICE_CLOCK_MARGIN_MS };
        const found = await this.reconcile({ ...step, action: "reconcile" }, request, window);
        if (found.action === "resume") return found.taskId!;
        // Reconcile found nothing: the request never created a task, so sending it again cannot pay twice.
        if (attempt >= LOST_ANSWER_ATTEMPTS) {
          throw new UnitStop(
            "failed",
            `${LOST_ANSWER_ATTEMPTS} create requests for ${step.key} lost their answers and created nothing; giving up for this run`,
            "UNKNOWN_OUTCOME",
          );
        }
        return this.post(character, step, rigTaskId, attempt + 1);
      }
      if (isMeshyError(err, "REFUSED")) {
        await journal.failed(step, { code: err.code, message: err.meshyMessage || err.message });
        throw new UnitStop("failed", `Meshy refused the request: ${err.meshyMessage || err.message}`, err.code);
      }
      if (isMeshyError(err, "NOT_FOUND", "FORBIDDEN")) {
        // An answer that refuses created nothing. A clip's 404 means its rig is gone: record that, so the next plan re-rigs.
        await journal.withdraw(step);
        if (step.kind === "animation" && rigTaskId && isMeshyError(err, "NOT_FOUND")) {
          await journal.gone({ key: `${step.character}/rig`, character: step.character, kind: "rig" }, rigTaskId, this.c.now());
          throw new UnitStop(
            "failed",
            `rig task ${rigTaskId} is gone at Meshy (deleted, or expired early); \`rigup plan\` shows the re-rig`,
            "RIG_GONE",
          );
        }
        throw new UnitStop(
          "failed",
          `Meshy refused the request (${err.status}): ${err.meshyMessage || err.message}; nothing was created`,
          err.code,
        );
      }
      if (isMeshyError(err, "QUEUE_FULL", "RATE_LIMITED", "AUTH", "CREDITS", "NETWORK", "ABORTED")) {
        // Provably nothing was created (refused, or never sent): drop the intent so the plan stays "create".
        await journal.withdraw(step);
      }
      throw err;
    }
  }

  /** Meshy's clock now; a one-item list teaches it when no answer has yet (once a run). */
  private async serviceNow(kind: TaskKind): Promise<number | undefined> {
    const known = this.c.api.serviceNow();
    if (known !== undefined) return known;
    await this.c.api.listTasks(kind, { pageSize: 1, signal: this.c.signal });
    return this.c.api.serviceNow();
  }

  /**
   * A paid id, the moment it is known: the ledger first (a second record), then the
   * lockfile, tried again on failure; if the lockfile still cannot take it, the run
   * stops submitting and the id is in the message (and the ledger, where the next
   * run finds it).
   */
  private async created(step: PlanStep, taskId: string): Promise<void> {
    await this.record(step, taskId);
    const credits = CREDITS[step.kind];
    this.c.emit({ type: "task:created", key: step.key, kind: step.kind, taskId, credits });
  }

  private async record(step: PlanStep, taskId: string): Promise<void> {
    await this.c.ledger?.record({ task_id: taskId, kind: step.kind, lockfile: this.c.lockfile, unit: step.key, digest: step.digest ?? "" });
    for (let attempt = 1; ; attempt++) {
      try {
        await this.c.journal.created(step, taskId);
        return;
      } catch (err) {
        if (attempt < RECORD_ATTEMPTS) {
          // An interrupt cuts the pause short, never the recording of a paid task.
          await this.c.sleep(200 * attempt, this.c.signal).catch(() => {});
          continue;
        }
        const why = err instanceof Error ? err.message : String(err);
        const message = `task ${taskId} (${step.key}) was created and paid for, but the lockfile could not record it (${why}); it is kept in rigup's ledger, and the next \`rigup build\` adopts it`;
        this.c.stop("lockfile", message);
        throw new UnitStop("failed", message, "LOCKFILE_WRITE");
      }
    }
  }

  /** Ids no reconcile may adopt: this lockfile's, current and past, and those other rigup runs here recorded. */
  private async knownTaskIds(): Promise<ReadonlySet<string>> {
    const ids = this.c.journal.knownTaskIds();
    for (const e of (await this.c.ledger?.entries()) ?? []) ids.add(e.task_id);
    return ids;
  }

  /** This lockfile's own paid ids for the unit that the ledger holds and the lockfile lost. */
  private async ownLostIds(step: PlanStep): Promise<string[]> {
    const held = this.c.journal.knownTaskIds();
    const mine = ((await this.c.ledger?.entries()) ?? []).filter(
      (e) => e.lockfile === this.c.lockfile && e.unit === step.key && e.digest === step.digest && !held.has(e.task_id),
    );
    return [...new Set(mine.map((e) => e.task_id))];
  }

  /**
   * Settles a unit whose create may have happened. Returns the step as it now
   * stands: `resume` with the adopted task id, or `create` when nothing was made.
   * `window`: where our task can be, on Meshy's clock; from a previous run, it is
   * bounded below by the recorded intent (when that was on Meshy's clock) and open above.
   */
  async reconcile(step: PlanStep, request: RigInput | AnimationInput | undefined, window?: CreateWindow): Promise<PlanStep> {
    const { journal, api } = this.c;
    // A create this lockfile paid for but could not record (the ledger has it): ours, no guessing.
    const own = await this.ownLostIds(step);
    if (own.length === 1) {
      await journal.created(step, own[0]!);
      this.c.emit({ type: "task:adopted", key: step.key, kind: step.kind, taskId: own[0]!, how: "reconciled" });
      return { ...step, action: "resume", taskId: own[0]! };
    }
    const intentAt = journal.intentOnMeshyClock(step);
    const result = await reconcileLostCreate(api, {
      kind: step.kind,
      window: window ?? { from: intentAt === undefined ? undefined : intentAt - SERVICE_CLOCK_MARGIN_MS },
      known: () => this.knownTaskIds(),
      verdict: request && ((task) => api.echoVerdict(task, request)),
      sleep: (ms) => this.c.sleep(ms, this.c.signal),
      signal: this.c.signal,
    });
    if (result.kind === "found") {
      await this.record(step, result.task.id);
      this.c.emit({ type: "task:adopted", key: step.key, kind: step.kind, taskId: result.task.id, how: "reconciled" });
      return { ...step, action: "resume", taskId: result.task.id };
    }
    if (result.kind === "none") {
      await journal.withdraw(step);
      return { ...step, action: "create" };
    }
    if (this.c.resendUnknown) {
      await journal.withdraw(step);
      return { ...step, action: "create" };
    }
    const message =
      `a create request for ${step.key} was sent but its answer was lost, and Meshy's task list has ` +
      `${result.candidates.length} ${step.kind} tasks from that time that no lockfile here holds (${result.candidates.join(", ")}): ` +
      "another client on this account (a teammate, a CI shard, another tool) made them at the same time. " +
      "rigup will not guess which one is ours, nor pay again. Run `rigup build` again once the other runs have " +
      "recorded their tasks (merge their lockfiles with `rigup lock merge`); only if you know none of them is " +
      "this unit's, `rigup build --resend-unknown` sends it again, which may pay twice.";
    throw new UnitStop("blocked", message, "UNKNOWN_OUTCOME");
  }
}
