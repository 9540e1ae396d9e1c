/**
 * Carries out a plan: creates only the tasks the plan says to pay for, waits for
 * them, downloads their outputs into the deterministic tree, and journals every
 * step in the lockfile before the next one (write-ahead), so a crash at any
 * instant is followed by a build that resumes instead of paying again.
 *
 * Scheduling: one p-queue of task jobs (a job holds a slot from POST until its
 * task is terminal; the account's queue limit counts exactly those), rigs
 * prioritised, a character's animations enqueued the moment its rig succeeds.
 * Creates are sent one at a time so a lost answer can be reconciled
 * unambiguously (reconcile.ts). Downloads run in their own queue; every request,
 * downloads included, passes the client's shared rate limiter.
 */
import { setMaxListeners } from "node:events";
import { join } from "node:path";
import PQueue from "p-queue";
import type { AnimationInput, MeshyApi, RigInput } from "../meshy/api.js";
import { isMeshyError, MeshyError } from "../meshy/errors.js";
import { SERVICE_CLOCK_MARGIN_MS } from "../meshy/service-clock.js";
import { CREDITS, type Task, type TaskKind } from "../meshy/schemas.js";
import type { ResolvedCharacter, ResolvedManifest } from "../manifest/resolve.js";
import { animationOutputs, rigOutputs, type OutputFile } from "../plan/layout.js";
import type { Plan, PlanStep } from "../plan/types.js";
import type { AnimationInputs, RigInputs } from "../lockfile/schema.js";
import { ContentError, writeAtomically } from "./download.js";
import { emptySummary, type EventSink, type ExecEvent, type RunSummary, type UnitOutcome } from "./events.js";
import type { Journal } from "./journal.js";
import type { Ledger } from "./ledger.js";
import { reconcileLostCreate, type CreateWindow } from "./reconcile.js";

export interface ExecuteOptions {
  plan: Plan;
  manifest: ResolvedManifest;
  /** Local model/texture paths in the manifest are relative to this directory. */
  manifestDir: string;
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
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Bound on waiting for the account queue to free up (429 NoMoreConcurrentTasks). */
  queueFullMaxWaitMs?: number;
  /** Called after each file lands, so the stat cache can skip hashing it next time. */
  onFileWritten?: (absPath: string, facts: { size: number; mtimeMs: number; sha256: string }) => void;
}

type StopReason = NonNullable<RunSummary["stopReason"]>;

/** Creates whose answers were lost and that provably created nothing, before the unit gives up. */
const LOST_ANSWER_ATTEMPTS = 3;

/** Downloads of one file, each after GETting the task for fresh signed URLs. */
const URL_REFRESH_ATTEMPTS = 5;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });

const NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "UND_ERR_SOCKET", "UND_ERR_BODY_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_CLOSED"]);

/** A connection failure while a body streamed (undici raises these, not MeshyError). */
function isNetworkError(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (NETWORK_CODES.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/** A unit that cannot go on; `outcome` says how it is reported. */
class UnitStop extends Error {
  constructor(
    readonly outcome: UnitOutcome,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}

export async function execute(opts: ExecuteOptions): Promise<RunSummary> {
  return new Executor(opts).run();
}

class Executor {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly tasks: PQueue;
  private readonly downloads: PQueue;
  /** Cut on the second stage of an interrupt: ends waits and downloads. */
  private readonly hardStop = new AbortController();
  private stopReason: StopReason | undefined;
  private postChain: Promise<unknown> = Promise.resolve();
  /** Our tasks that exist at Meshy and are not terminal. */
  private inFlight = 0;
  private finishWaiters: Array<() => void> = [];
  private readonly started: number;
  private readonly summary: RunSummary = emptySummary();

  constructor(private readonly o: ExecuteOptions) {
    this.now = o.now ?? Date.now;
    this.sleep = o.sleep ?? defaultSleep;
    this.tasks = new PQueue({ concurrency: Math.max(1, o.concurrency) });
    this.downloads = new PQueue({ concurrency: Math.max(1, o.downloadConcurrency ?? o.concurrency) });
    this.started = this.now();
    // One signal fans out to every wait and download in flight: many listeners is by design.
    setMaxListeners(0, this.hardStop.signal);
  }

  private emit(e: ExecEvent extends infer E ? (E extends { at: number } ? Omit<E, "at"> : never) : never): void {
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
        resolved.set(s.key, await this.reconcile(s, this.request(character, s, this.o.journal.intentRigTaskId(s))));
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
    await this.downloads.onIdle();

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
      const { task, outcome, roles } = await this.obtainTask(character, step, rigTaskId);
      onTaskReady?.(task.id);
      await this.downloadAll(character, step, task, roles);
      this.finishUnit(step, outcome);
    } catch (err) {
      onTaskReady?.(undefined);
      await this.unitFailed(step, err);
    }
  }

  /** The succeeded task whose files this step downloads. Task slots are held only while a task runs. */
  private async obtainTask(
    character: ResolvedCharacter,
    step: PlanStep,
    rigTaskId?: string,
  ): Promise<{ task: Task; outcome: UnitOutcome; roles: string[] }> {
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
        const task = await this.tasks.add(
          async () => this.waitFor(step, await this.create(character, step, rigTaskId)),
          { priority },
        );
        return { task, outcome: "created", roles: all() };
      }
      default:
        throw new Error(`executor cannot run a ${step.action} step`);
    }
  }

  private finishUnit(step: Pick<PlanStep, "key">, outcome: UnitOutcome, message?: string, code?: string): void {
    const key = ({ created: "created", resumed: "resumed", downloaded: "downloaded", pruned: "pruned", failed: "failed", blocked: "blocked", interrupted: "blocked" } as const)[outcome];
    this.summary[key] += 1;
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

  // ---- creating tasks -------------------------------------------------------

  /** Queue-full answers wait for one of our tasks to finish (event-driven, bounded). */
  private async create(character: ResolvedCharacter, step: PlanStep, rigTaskId?: string): Promise<string> {
    const deadline = this.now() + (this.o.queueFullMaxWaitMs ?? 30 * 60_000);
    for (let attempt = 0; ; attempt++) {
      if (this.stopReason) throw new UnitStop("blocked", `not submitted: run stopping (${this.stopReason})`, "STOPPED");
      try {
        return await this.serialized(() => this.post(character, step, rigTaskId));
      } catch (err) {
        if (!isMeshyError(err, "QUEUE_FULL") || this.now() > deadline) throw err;
        // Hold back the other jobs too: the account has no room for them either.
        this.tasks.concurrency = Math.max(1, Math.min(this.tasks.concurrency, this.inFlight));
        this.emit({ type: "queue:full", key: step.key, concurrency: this.tasks.concurrency });
        await this.nextTaskFinish(Math.min(60_000, 2_000 * 1.5 ** attempt));
      }
    }
  }

  /** One create at a time (see reconcile.ts). */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.postChain.then(fn, fn);
    this.postChain = run.catch(() => undefined);
    return run;
  }

  private async post(character: ResolvedCharacter, step: PlanStep, rigTaskId?: string, attempt = 1): Promise<string> {
    if (this.stopReason) throw new UnitStop("blocked", `not submitted: run stopping (${this.stopReason})`, "STOPPED");
    // Checked before the intent is journalled: a refused create leaves no trace.
    if (this.o.noCreate) throw new UnitStop("blocked", "--frozen: this needs a new paid task; nothing was sent", "FROZEN");
    const { journal, api } = this.o;
    const sentAt = await this.serviceNow(step.kind);
    await journal.intent(step, sentAt ?? this.now(), { rigTaskId, onMeshyClock: sentAt !== undefined });
    this.emit({ type: "task:intent", key: step.key, kind: step.kind });
    const request = step.kind === "rig" ? this.rigInput(character) : this.animationInput(character, step, rigTaskId);
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
          sentAt === undefined ? {} : { from: sentAt - SERVICE_CLOCK_MARGIN_MS, to: lostAt === undefined ? undefined : lostAt + SERVICE_CLOCK_MARGIN_MS };
        const found = await this.reconcile({ ...step, action: "reconcile" }, request, window);
        if (found.action === "resume") return found.taskId!;
        // Reconcile found nothing: the request never created a task, so sending it again cannot pay twice.
        if (attempt >= LOST_ANSWER_ATTEMPTS) {
          throw new UnitStop("failed", `${LOST_ANSWER_ATTEMPTS} create requests for ${step.key} lost their answers and created nothing; giving up for this run`, "UNKNOWN_OUTCOME");
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
          await journal.gone({ key: `${step.character}/rig`, character: step.character, kind: "rig" }, rigTaskId, this.now());
          throw new UnitStop("failed", `rig task ${rigTaskId} is gone at Meshy (deleted, or expired early); \`rigup plan\` shows the re-rig`, "RIG_GONE");
        }
        throw new UnitStop("failed", `Meshy refused the request (${err.status}): ${err.meshyMessage || err.message}; nothing was created`, err.code);
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
    const known = this.o.api.serviceNow();
    if (known !== undefined) return known;
    await this.o.api.listTasks(kind, { pageSize: 1, signal: this.hardStop.signal });
    return this.o.api.serviceNow();
  }

  private async created(step: PlanStep, taskId: string): Promise<void> {
    await this.o.journal.created(step, taskId);
    await this.o.ledger?.record({ task_id: taskId, kind: step.kind, unit: step.key, digest: step.digest ?? "" });
    const credits = CREDITS[step.kind];
    this.emit({ type: "task:created", key: step.key, kind: step.kind, taskId, credits });
  }

  /** Ids no reconcile may adopt: this lockfile's, current and past, and those other rigup runs here recorded. */
  private async knownTaskIds(): Promise<ReadonlySet<string>> {
    const ids = this.o.journal.knownTaskIds();
    for (const id of (await this.o.ledger?.taskIds()) ?? []) ids.add(id);
    return ids;
  }

  /**
   * Settles a unit whose create may have happened. Returns the step as it now
   * stands: `resume` with the adopted task id, or `create` when nothing was made.
   * `window`: where our task can be, on Meshy's clock; from a previous run, it is
   * bounded below by the recorded intent (when that was on Meshy's clock) and open above.
   */
  private async reconcile(step: PlanStep, request: RigInput | AnimationInput | undefined, window?: CreateWindow): Promise<PlanStep> {
    const { journal, api } = this.o;
    const intentAt = journal.intentOnMeshyClock(step);
    const result = await reconcileLostCreate(api, {
      kind: step.kind,
      window: window ?? { from: intentAt === undefined ? undefined : intentAt - SERVICE_CLOCK_MARGIN_MS },
      known: () => this.knownTaskIds(),
      verdict: request && ((task) => api.echoVerdict(task, request)),
      sleep: (ms) => this.sleep(ms, this.hardStop.signal),
      signal: this.hardStop.signal,
    });
    if (result.kind === "found") {
      await journal.created(step, result.task.id);
      await this.o.ledger?.record({ task_id: result.task.id, kind: step.kind, unit: step.key, digest: step.digest ?? "" });
      this.emit({ type: "task:adopted", key: step.key, kind: step.kind, taskId: result.task.id, how: "reconciled" });
      return { ...step, action: "resume", taskId: result.task.id };
    }
    if (result.kind === "none") {
      await journal.withdraw(step);
      return { ...step, action: "create" };
    }
    if (this.o.resendUnknown) {
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

  private rigInput(c: ResolvedCharacter): RigInput {
    const abs = (p: string) => join(this.o.manifestDir, p);
    return {
      source:
        c.source.kind === "file"
          ? { kind: "file", path: abs(c.source.path), mime: "model/gltf-binary" }
          : c.source.kind === "url"
            ? { kind: "url", url: c.source.url }
            : { kind: "task", taskId: c.source.taskId },
      heightMeters: c.heightMeters,
      ...(c.skeleton !== undefined ? { skeleton: c.skeleton } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      texture: !c.texture
        ? undefined
        : c.texture.kind === "file"
          ? { kind: "file", path: abs(c.texture.path), mime: "image/png" }
          : { kind: "url", url: c.texture.url },
    };
  }

  private animationInput(c: ResolvedCharacter, step: PlanStep, rigTaskId?: string): AnimationInput {
    const action = c.actions.find((a) => a.name === step.name);
    if (!action || !rigTaskId) throw new Error(`animation ${step.key} has no action or rig`);
    return { rigTaskId, actionId: action.actionId, postProcess: action.postProcess ?? undefined };
  }

  /** The create request a step sends (or sent): what a lost answer's task must echo. Undefined: a clip whose rig is not known. */
  private request(c: ResolvedCharacter, step: PlanStep, rigTaskId: string | undefined): RigInput | AnimationInput | undefined {
    if (step.kind === "rig") return this.rigInput(c);
    return rigTaskId ? this.animationInput(c, step, rigTaskId) : undefined;
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
        throw new UnitStop("failed", `task ${taskId} is gone (expired or deleted); \`rigup plan\` shows what re-making it costs`, "NOT_FOUND");
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
      throw new UnitStop("failed", `task ${task.status.toLowerCase()}: ${task.task_error?.message || "no message from Meshy"}`, task.status);
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
      void this.sleep(this.inFlight > 0 ? Math.max(maxMs, 60_000) : maxMs, this.hardStop.signal).then(finish);
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

  // ---- downloading ----------------------------------------------------------

  private async downloadAll(character: ResolvedCharacter, step: PlanStep, task: Task, roles: string[]): Promise<void> {
    const files = this.wanted(character, step).filter((f) => roles.includes(f.role));
    const unavailable = files.filter((f) => !task.outputs?.[f.role]).map((f) => f.role);
    if (unavailable.length > 0) await this.o.journal.unavailable(step, unavailable);
    let current = task;
    const results = await Promise.allSettled(
      files
        .filter((f) => !unavailable.includes(f.role))
        .map((f) =>
          this.downloads.add(async () => {
            current = await this.downloadOne(step, f, current);
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
  private async downloadOne(step: PlanStep, file: OutputFile, task: Task): Promise<Task> {
    const target = join(this.o.outDir, ...file.path.split("/"));
    let current = task;
    for (let attempt = 1; ; attempt++) {
      const url = current.outputs?.[file.role];
      if (!url) throw new UnitStop("failed", `task ${current.id} no longer offers ${file.role}`, "BAD_RESPONSE");
      try {
        const response = await this.o.api.fetchAsset(url, { signal: this.hardStop.signal });
        const result = await writeAtomically(this.o.outDir, target, response, file.format, (bytes) =>
          this.emit({ type: "file:progress", key: step.key, path: file.path, bytes, total: response.contentLength }),
        );
        await this.o.journal.file(step, file.role, { path: file.path, size: result.size, sha256: result.sha256 });
        this.o.onFileWritten?.(target, result);
        this.summary.filesWritten += 1;
        this.summary.bytesWritten += result.size;
        this.emit({ type: "file:written", key: step.key, path: file.path, size: result.size, sha256: result.sha256 });
        return current;
      } catch (err) {
        const refused = isMeshyError(err, "FORBIDDEN", "NOT_FOUND") || err instanceof ContentError;
        const transient = isMeshyError(err, "SERVER", "NETWORK", "RATE_LIMITED") || isNetworkError(err);
        if (!(refused || transient) || attempt >= URL_REFRESH_ATTEMPTS || this.hardStop.signal.aborted) throw err;
        if (refused && current.expires_at !== undefined && this.now() >= current.expires_at) {
          await this.o.journal.gone(step, current.id, this.now());
          throw new UnitStop("failed", `task ${current.id} expired on ${new Date(current.expires_at).toISOString()}; its files are gone`, "NOT_FOUND");
        }
        // Downloads are free to repeat: pause, read the task again (a new URL under v1), try again.
        await this.sleep(500 * attempt, this.hardStop.signal);
        current = await this.getTask(step, current.id);
      }
    }
  }
}
