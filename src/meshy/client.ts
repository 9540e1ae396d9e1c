/**
 * `MeshyClient`: the Meshy Auto-Rigging & Animation API over HTTP (undici,
 * one keep-alive Agent), v2 by default or v1 (`apiVersion`). What differs between
 * the versions is in wire.ts; the client hands out version-neutral tasks. Every API
 * request passes one `RateLimiter` (20 req/s); asset downloads do not (they go to
 * Meshy's asset host, which that limit does not cover). The retry rules live in
 * http.ts. The API key goes to the API origin only.
 *
 * @example
 * const meshy = new MeshyClient({ apiKey: process.env.MESHY_API_KEY! });
 * const id = await meshy.createRig({ source: { kind: "file", path: "hero.glb", mime: "model/gltf-binary" }, heightMeters: 1.8 });
 * const task = await meshy.waitForTask("rig", id, { onProgress: console.log });
 */
import { Agent, type Dispatcher } from "undici";
import { z } from "zod";
import type { AnimationInput, AssetResponse, LibraryFilter, ListOptions, MeshyApi, RigInput, WaitOptions } from "./api.js";
import { sleep as realSleep } from "../async/sleep.js";
import { POLL_DEFAULTS, RETRY_BACKOFF_DEFAULTS, type BackoffPolicy } from "./backoff.js";
import { jsonBodyWithDataUris, type BodyFactory } from "./data-uri-body.js";
import { isMeshyError } from "./errors.js";
import { MeshyHttp, type HttpRequest, type HttpResponse, type RetryOptions } from "./http.js";
import { RateLimiter } from "./rate-limit.js";
import { ServiceClock } from "./service-clock.js";
import { MESHY_TIMEOUT_DEFAULTS, TASK_WAIT_DEFAULT_MS, type MeshyTimeouts } from "./timeouts.js";
import { quoteUrl } from "../text/redact.js";
import { echoVerdict, rigFields } from "./requests.js";
import { AnimationRequestBodySchema, LibraryListSchema, type LibraryAction, type Task, type TaskKind } from "./schemas.js";
import { waitForTask } from "./wait.js";
import { wireFor, type ApiVersion, type Wire } from "./wire.js";

export interface MeshyClientOptions {
  apiKey: string;
  /** Default https://api.meshy.ai. */
  baseUrl?: string;
  /** Default 2. Meshy switches v1 off on 2027-03-15. */
  apiVersion?: ApiVersion;
  /** Requests per second for this client's own limiter. Default 20 (docs/meshy-api.md §5.3). */
  requestsPerSecond?: number;
  /** A limiter shared with other clients/downloaders; overrides `requestsPerSecond`. */
  rateLimiter?: RateLimiter;
  timeouts?: Partial<MeshyTimeouts>;
  /** Polling after a stream failed: ~2 s, x1.5, capped at ~20 s, jittered. */
  poll?: Partial<BackoffPolicy>;
  retries?: Partial<Omit<RetryOptions, "backoff">> & { backoff?: Partial<BackoffPolicy> };
  /** Default total time `waitForTask` may take, ms. */
  waitTimeoutMs?: number;
  /** Injectable for tests; must reject when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Injectable for tests: jitter source in [0, 1). */
  random?: () => number;
  /** One line per request/retry/fallback, already redacted. */
  onLog?: (line: string) => void;
  /** Transport; default: one keep-alive Agent owned (and closed) by the client. */
  dispatcher?: Dispatcher;
}

export const MESHY_CLIENT_DEFAULTS = {
  baseUrl: "https://api.meshy.ai",
  requestsPerSecond: 20,
  // Grants are counted over a little more than a second: loopback and network jitter
  // can land 21 requests in the server's own one-second window at exactly 20 per 1,000 ms.
  rateWindowMs: 1_050,
  timeouts: MESHY_TIMEOUT_DEFAULTS,
  poll: POLL_DEFAULTS,
  retries: { get: 6, rateLimited: 8, maxRetryAfterMs: 60_000, backoff: RETRY_BACKOFF_DEFAULTS } satisfies RetryOptions,
  waitTimeoutMs: TASK_WAIT_DEFAULT_MS,
} as const;

const MAX_ASSET_REDIRECTS = 5;
const BODY_READ_ATTEMPTS = 2;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

export class MeshyClient implements MeshyApi {
  /** The limiter every request of this client passes; hand it to other HTTP users to share the budget. */
  readonly rateLimiter: RateLimiter;
  private readonly baseUrl: string;
  private readonly http: MeshyHttp;
  private readonly ownAgent?: Agent;
  private readonly timeouts: MeshyTimeouts;
  private readonly poll: BackoffPolicy;
  private readonly waitTimeoutMs: number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;
  private readonly clock = new ServiceClock();
  private readonly wire: Wire;

  constructor(options: MeshyClientOptions) {
    const d = MESHY_CLIENT_DEFAULTS;
    this.wire = wireFor(options.apiVersion ?? 2);
    this.baseUrl = (options.baseUrl ?? d.baseUrl).replace(/\/+$/, "");
    this.timeouts = { ...d.timeouts, ...options.timeouts };
    this.poll = { ...d.poll, ...options.poll };
    this.waitTimeoutMs = options.waitTimeoutMs ?? d.waitTimeoutMs;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.rateLimiter =
      options.rateLimiter ?? new RateLimiter({ limit: options.requestsPerSecond ?? d.requestsPerSecond, windowMs: d.rateWindowMs });
    if (!options.dispatcher) this.ownAgent = new Agent({ connect: { timeout: this.timeouts.connectMs } });
    const { backoff, ...counts } = options.retries ?? {};
    this.http = new MeshyHttp({
      apiKey: options.apiKey,
      dispatcher: options.dispatcher ?? this.ownAgent!,
      limiter: this.rateLimiter,
      headersMs: this.timeouts.headersMs,
      bodyMs: this.timeouts.bodyMs,
      retries: { ...d.retries, ...counts, backoff: { ...d.retries.backoff, ...backoff } },
      sleep: this.sleep,
      random: this.random,
      log: options.onLog ?? (() => {}),
      clock: this.clock,
    });
  }

  serviceNow(): number | undefined {
    return this.clock.now();
  }

  async createRig(input: RigInput, opts: { signal?: AbortSignal } = {}): Promise<string> {
    let body: BodyFactory;
    try {
      // Strict in what we send: only this version's documented fields, checked before any byte is read.
      const { fields, schema } = await rigFields(this.wire.version, input, opts.signal);
      this.checkBody(schema, fields, "rig");
      body = await jsonBodyWithDataUris(fields);
    } catch (err) {
      if (isMeshyError(err)) throw err;
      throw this.http.fail("REFUSED", `cannot prepare the rig input: ${(err as Error).message}`, { cause: err });
    }
    return this.create("rig", body, opts.signal);
  }

  async createAnimation(input: AnimationInput, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const fields = { rig_task_id: input.rigTaskId, action_id: input.actionId, post_process: input.postProcess };
    const body = this.checkBody(AnimationRequestBodySchema, fields, "animation");
    return this.create("animation", JSON.stringify(body), opts.signal);
  }

  async getTask(kind: TaskKind, id: string, opts: { signal?: AbortSignal } = {}): Promise<Task> {
    return this.getJson(this.apiUrl(this.wire.taskPath(kind, id)), (json) => this.wire.task(kind, json), opts.signal);
  }

  echoVerdict(task: Task, input: RigInput | AnimationInput): boolean | undefined {
    return echoVerdict(task, input);
  }

  async waitForTask(kind: TaskKind, id: string, opts: WaitOptions & { timeoutMs?: number } = {}): Promise<Task> {
    return waitForTask(
      {
        openStream: (k, i, signal) => this.openStream(k, i, signal),
        getTask: (k, i, signal) => this.getTask(k, i, { signal }),
        sleep: this.sleep,
        random: this.random,
        poll: this.poll,
        streamIdleMs: this.timeouts.streamIdleMs,
        fail: (...args) => this.http.fail(...args),
        log: (line) => this.http.log(line),
        parseTask: (k, json) => this.wire.task(k, json),
      },
      kind,
      id,
      { ...opts, timeoutMs: opts.timeoutMs ?? this.waitTimeoutMs },
    );
  }

  async listTasks(kind: TaskKind, opts: ListOptions = {}): Promise<Task[]> {
    const { path, params } = this.wire.listPath(kind, opts);
    const url = this.apiUrl(path);
    for (const [name, value] of Object.entries(params)) setParam(url, name, value);
    return this.getJson(url, (json) => this.wire.list(kind, json), opts.signal);
  }

  async deleteTask(kind: TaskKind, id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const res = await this.http.send(this.apiRequest("DELETE", this.apiUrl(this.wire.taskPath(kind, id)), opts.signal));
    await res.body.dump();
  }

  async listActions(filter: LibraryFilter = {}): Promise<LibraryAction[]> {
    const url = this.apiUrl(this.wire.libraryPath);
    setParam(url, "search", filter.search);
    setParam(url, "category", filter.category);
    setParam(url, "sub_category", filter.subCategory);
    setParam(url, "action_ids", filter.actionIds?.join(","));
    return this.getJson(url, (json) => LibraryListSchema.parse(json), filter.signal);
  }

  /**
   * Downloads a signed asset URL, streaming. Never sends the API key, not even
   * to the API origin; redirects are followed by hand (at most 5) for the same reason.
   */
  async fetchAsset(url: string, opts: { signal?: AbortSignal } = {}): Promise<AssetResponse> {
    let current = this.assetUrl(url);
    for (let hop = 0; ; hop++) {
      const res = await this.http.send({
        method: "GET",
        url: current,
        credentials: false,
        // Meshy's asset host is not the API: its downloads do not count against the 20 req/s.
        limited: false,
        accept: "*/*",
        signal: opts.signal,
        passStatus: (s) => (s >= 200 && s < 300) || REDIRECT_STATUSES.has(s),
      });
      if (!REDIRECT_STATUSES.has(res.statusCode)) {
        return {
          status: res.statusCode,
          contentType: header(res, "content-type"),
          contentLength: numberHeader(res, "content-length"),
          body: this.http.streamBody(res, `GET ${quoteUrl(current)}`, opts.signal),
        };
      }
      await res.body.dump();
      const location = header(res, "location");
      if (!location || hop >= MAX_ASSET_REDIRECTS) {
        throw this.http.fail(
          "BAD_RESPONSE",
          `GET ${quoteUrl(current)}: ${location ? "too many redirects" : `${res.statusCode} without Location`}`,
          { status: res.statusCode },
        );
      }
      current = this.assetUrl(new URL(location, current).href);
    }
  }

  /** Closes the client's own connection pool (not an injected dispatcher). */
  async close(): Promise<void> {
    await this.ownAgent?.close();
  }

  private async create(kind: TaskKind, body: string | BodyFactory, signal?: AbortSignal): Promise<string> {
    const url = this.apiUrl(this.wire.createPath(kind));
    const where = `POST ${quoteUrl(url)}`;
    const res = await this.http.send({ ...this.apiRequest("POST", url, signal), body });
    // The answer carries the only copy of the new id: an unreadable answer is a lost answer.
    try {
      return this.parseJson(await res.body.text(), (json) => this.wire.createdId(json), where, res.statusCode);
    } catch (err) {
      throw this.http.fail("UNKNOWN_OUTCOME", `${where}: unreadable answer; a task may have been created`, {
        status: res.statusCode,
        cause: err,
      });
    }
  }

  private async openStream(kind: TaskKind, id: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.http.send({
      ...this.apiRequest("GET", this.apiUrl(this.wire.streamPath(kind, id)), signal),
      accept: "text/event-stream",
      // One try: a failing stream falls back to polling, which has its own retries.
      maxAttempts: 1,
      // The stream keeps its own idle timer (streamIdleMs).
      bodyMs: 0,
    });
    return res.body;
  }

  private async getJson<T>(url: URL, parse: (json: unknown) => T, signal?: AbortSignal): Promise<T> {
    const where = `GET ${quoteUrl(url)}`;
    for (let attempt = 1; ; attempt++) {
      const res = await this.http.send(this.apiRequest("GET", url, signal));
      let text: string;
      try {
        text = await res.body.text();
      } catch (err) {
        // A GET is safe to repeat when its body breaks off mid-read.
        if (attempt >= BODY_READ_ATTEMPTS || signal?.aborted) {
          throw this.http.fail(signal?.aborted ? "ABORTED" : "NETWORK", `${where}: the answer broke off`, { cause: err });
        }
        this.http.log(`${where}: the answer broke off; fetching again`);
        continue;
      }
      return this.parseJson(text, parse, where, res.statusCode);
    }
  }

  /** Parses a JSON body with `parse` (zod: unknown fields kept); anything else is BAD_RESPONSE. */
  private parseJson<T>(text: string, parse: (json: unknown) => T, where: string, status: number): T {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw this.http.fail("BAD_RESPONSE", `${where}: the answer is not JSON`, { status, cause: err });
    }
    try {
      return parse(json);
    } catch (err) {
      const detail = err instanceof z.ZodError ? summarise(err) : (err as Error).message;
      throw this.http.fail("BAD_RESPONSE", `${where}: unexpected answer shape (${detail})`, { status, cause: err });
    }
  }

  private checkBody<S extends z.ZodType>(schema: S, fields: Record<string, unknown>, what: string): z.infer<S> {
    const probe = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === "object" && v !== null && ("file" in v || "bytes" in v) ? "data:" : v]),
    );
    const parsed = schema.safeParse(probe);
    if (!parsed.success) {
      throw this.http.fail("REFUSED", `invalid ${what} request (${summarise(parsed.error)})`, { cause: parsed.error });
    }
    return parsed.data;
  }

  private apiRequest(method: HttpRequest["method"], url: URL, signal?: AbortSignal): HttpRequest {
    return { method, url, credentials: true, accept: "application/json", signal };
  }

  private apiUrl(path: string): URL {
    return new URL(`${this.baseUrl}${path}`);
  }

  private assetUrl(url: string): URL {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch (err) {
      throw this.http.fail("REFUSED", `not an asset URL: ${quoteUrl(url)}`, { cause: err });
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw this.http.fail("REFUSED", `asset URL scheme ${parsed.protocol} is not supported`);
    }
    return parsed;
  }
}

function setParam(url: URL, name: string, value: string | number | undefined): void {
  if (value !== undefined && value !== "") url.searchParams.set(name, String(value));
}

function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function numberHeader(res: HttpResponse, name: string): number | undefined {
  const value = header(res, name);
  const n = value === undefined ? NaN : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** First issues of a zod error, path and message, for a one-line error. */
function summarise(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
    .join("; ");
}
