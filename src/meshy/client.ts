/**
 * `MeshyClient`: the Meshy Auto-Rigging & Animation API over HTTP (undici,
 * one keep-alive Agent). Responses are zod-validated against schemas.ts, every
 * request (asset downloads included) passes one shared `RateLimiter`, and the
 * retry rules live in http.ts. The API key goes to the API origin only.
 *
 * @example
 * const meshy = new MeshyClient({ apiKey: process.env.MESHY_API_KEY! });
 * const id = await meshy.createRig({ source: { kind: "file", path: "hero.glb", mime: "model/gltf-binary" }, heightMeters: 1.8 });
 * const task = await meshy.waitForTask("rig", id, { onProgress: console.log });
 */
import { Agent, type Dispatcher } from "undici";
import type { z } from "zod";
import type {
  AnimationInput,
  AssetInput,
  AssetResponse,
  LibraryFilter,
  ListOptions,
  MeshyApi,
  RigInput,
  WaitOptions,
} from "./api.js";
import { POLL_DEFAULTS, RETRY_BACKOFF_DEFAULTS, sleep as realSleep, type BackoffPolicy } from "./backoff.js";
import { jsonBodyWithDataUris, type BodyFactory, type JsonBodyField } from "./data-uri-body.js";
import { MeshyHttp, type HttpRequest, type HttpResponse, type RetryOptions } from "./http.js";
import { RateLimiter } from "./rate-limit.js";
import { quoteUrl } from "./redact.js";
import {
  AnimationRequestBodySchema,
  CreateResponseSchema,
  KIND_PATH,
  LibraryListSchema,
  RigRequestBodySchema,
  TaskListSchema,
  TaskSchema,
  type LibraryAction,
  type Task,
  type TaskKind,
} from "./schemas.js";
import { waitForTask } from "./wait.js";

export interface MeshyTimeouts {
  /** TCP/TLS connect, ms (only for the client's own Agent). */
  connectMs: number;
  /** From request sent to response headers, ms. */
  headersMs: number;
  /** Silence between body chunks, ms. */
  bodyMs: number;
  /** Silence on a task stream before falling back to polling; the server re-sends state every ~10 s. */
  streamIdleMs: number;
}

export interface MeshyClientOptions {
  apiKey: string;
  /** Default https://api.meshy.ai. */
  baseUrl?: string;
  /** Requests per second for this client's own limiter. Default 20 (API-NOTES "Errors"). */
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
  timeouts: { connectMs: 10_000, headersMs: 30_000, bodyMs: 60_000, streamIdleMs: 30_000 } satisfies MeshyTimeouts,
  poll: POLL_DEFAULTS,
  retries: { get: 6, rateLimited: 8, maxRetryAfterMs: 60_000, backoff: RETRY_BACKOFF_DEFAULTS } satisfies RetryOptions,
  waitTimeoutMs: 60 * 60_000,
} as const;

const API_PREFIX = "/openapi/v1";
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

  constructor(options: MeshyClientOptions) {
    const d = MESHY_CLIENT_DEFAULTS;
    this.baseUrl = (options.baseUrl ?? d.baseUrl).replace(/\/+$/, "");
    this.timeouts = { ...d.timeouts, ...options.timeouts };
    this.poll = { ...d.poll, ...options.poll };
    this.waitTimeoutMs = options.waitTimeoutMs ?? d.waitTimeoutMs;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.rateLimiter =
      options.rateLimiter ?? new RateLimiter({ limit: options.requestsPerSecond ?? d.requestsPerSecond });
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
    });
  }

  async createRig(input: RigInput, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const fields: Record<string, JsonBodyField | undefined> = {
      input_task_id: input.source.kind === "task" ? input.source.taskId : undefined,
      model_url: input.source.kind === "task" ? undefined : assetField(input.source),
      height_meters: input.heightMeters,
      texture_image_url: input.texture ? assetField(input.texture) : undefined,
    };
    // Strict in what we send: check the shape with placeholders where files will be streamed.
    this.checkBody(RigRequestBodySchema, fields, "rig");
    let body: BodyFactory;
    try {
      body = await jsonBodyWithDataUris(fields);
    } catch (err) {
      throw this.http.fail("REFUSED", `cannot read the rig input: ${(err as Error).message}`, { cause: err });
    }
    return this.create("rig", body, opts.signal);
  }

  async createAnimation(input: AnimationInput, opts: { signal?: AbortSignal } = {}): Promise<string> {
    const fields = { rig_task_id: input.rigTaskId, action_id: input.actionId, post_process: input.postProcess };
    const body = this.checkBody(AnimationRequestBodySchema, fields, "animation");
    return this.create("animation", JSON.stringify(body), opts.signal);
  }

  async getTask(kind: TaskKind, id: string, opts: { signal?: AbortSignal } = {}): Promise<Task> {
    return this.getJson(this.taskUrl(kind, id), TaskSchema, opts.signal);
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
      },
      kind,
      id,
      { ...opts, timeoutMs: opts.timeoutMs ?? this.waitTimeoutMs },
    );
  }

  async listTasks(kind: TaskKind, opts: ListOptions = {}): Promise<Task[]> {
    const url = this.apiUrl(`/${KIND_PATH[kind]}`);
    setParam(url, "page_num", opts.pageNum);
    setParam(url, "page_size", opts.pageSize);
    setParam(url, "sort_by", opts.sortBy);
    return this.getJson(url, TaskListSchema, opts.signal);
  }

  async deleteTask(kind: TaskKind, id: string, opts: { signal?: AbortSignal } = {}): Promise<void> {
    const res = await this.http.send(this.apiRequest("DELETE", this.taskUrl(kind, id), opts.signal));
    await res.body.dump();
  }

  async listActions(filter: LibraryFilter = {}): Promise<LibraryAction[]> {
    const url = this.apiUrl("/animations/library");
    setParam(url, "search", filter.search);
    setParam(url, "category", filter.category);
    setParam(url, "sub_category", filter.subCategory);
    setParam(url, "action_ids", filter.actionIds?.join(","));
    return this.getJson(url, LibraryListSchema, filter.signal);
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
        accept: "*/*",
        signal: opts.signal,
        passStatus: (s) => (s >= 200 && s < 300) || REDIRECT_STATUSES.has(s),
      });
      if (!REDIRECT_STATUSES.has(res.statusCode)) {
        return {
          status: res.statusCode,
          contentType: header(res, "content-type"),
          contentLength: numberHeader(res, "content-length"),
          body: res.body,
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
    const url = this.apiUrl(`/${KIND_PATH[kind]}`);
    const where = `POST ${quoteUrl(url)}`;
    const res = await this.http.send({ ...this.apiRequest("POST", url, signal), body });
    // The answer carries the only copy of the new id: an unreadable answer is a lost answer.
    try {
      return this.parseJson(await res.body.text(), CreateResponseSchema, where, res.statusCode).result;
    } catch (err) {
      throw this.http.fail("UNKNOWN_OUTCOME", `${where}: unreadable answer; a task may have been created`, {
        status: res.statusCode,
        cause: err,
      });
    }
  }

  private async openStream(kind: TaskKind, id: string, signal: AbortSignal): Promise<AsyncIterable<Uint8Array>> {
    const res = await this.http.send({
      ...this.apiRequest("GET", new URL(`${this.taskUrl(kind, id).href}/stream`), signal),
      accept: "text/event-stream",
      // One try: a failing stream falls back to polling, which has its own retries.
      maxAttempts: 1,
      // The stream keeps its own idle timer (streamIdleMs).
      bodyMs: 0,
    });
    return res.body;
  }

  private async getJson<S extends z.ZodType>(url: URL, schema: S, signal?: AbortSignal): Promise<z.infer<S>> {
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
      return this.parseJson(text, schema, where, res.statusCode);
    }
  }

  /** Parses a JSON body with `schema` (unknown fields kept); anything else is BAD_RESPONSE. */
  private parseJson<S extends z.ZodType>(text: string, schema: S, where: string, status: number): z.infer<S> {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      throw this.http.fail("BAD_RESPONSE", `${where}: the answer is not JSON`, { status, cause: err });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      throw this.http.fail("BAD_RESPONSE", `${where}: unexpected answer shape (${summarise(parsed.error)})`, {
        status,
        cause: parsed.error,
      });
    }
    return parsed.data;
  }

  private checkBody<S extends z.ZodType>(schema: S, fields: Record<string, unknown>, what: string): z.infer<S> {
    const probe = Object.fromEntries(
      Object.entries(fields).map(([k, v]) => [k, typeof v === "object" && v !== null && "file" in v ? "data:" : v]),
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
    return new URL(`${this.baseUrl}${API_PREFIX}${path}`);
  }

  private taskUrl(kind: TaskKind, id: string): URL {
    return this.apiUrl(`/${KIND_PATH[kind]}/${encodeURIComponent(id)}`);
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

/** A local file becomes a data-URI field; a URL is sent as-is. */
function assetField(asset: AssetInput): JsonBodyField {
  return asset.kind === "file" ? { file: asset.path, mime: asset.mime } : asset.url;
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
