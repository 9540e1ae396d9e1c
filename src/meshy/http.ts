/**
 * One HTTP exchange with Meshy or an asset host, and the retry policy around
 * it: the only place that decides whether a failure may be retried.
 *
 * - GET/DELETE (idempotent): 5xx and network errors are retried with backoff.
 * - POST: there is no idempotency key (docs/meshy-api.md §6.2), so a POST is
 *   re-sent only when it provably created nothing: the connection was refused
 *   or DNS failed before a byte was sent, or the server answered 429. Any other
 *   lost answer is UNKNOWN_OUTCOME, for the caller to reconcile via the list.
 * - 429 is told apart by v2's `code`, else by v1's words in `message`:
 *   rate_limit_exceeded / RateLimitExceeded: retried (Retry-After honoured, never
 *   required); pending_task_limit_reached, concurrent_task_limit_reached /
 *   NoMoreConcurrentTasks, NoMorePendingTasks: QUEUE_FULL at once.
 * - Other errors map by v2 `code` where one means something of its own, else by
 *   HTTP status (unchanged between the versions).
 */
import { request, type Dispatcher } from "undici";
import { backoffDelay, parseRetryAfter, type BackoffPolicy } from "./backoff.js";
import type { BodyFactory } from "./data-uri-body.js";
import { MeshyError, type MeshyErrorCode, type MeshyErrorInit } from "./errors.js";
import type { RateLimiter } from "./rate-limit.js";
import type { ServiceClock } from "./service-clock.js";
import { ErrorBodySchema } from "./schemas.js";
import { quoteUrl, redactSecrets, sanitizeError } from "../text/redact.js";
import { bodyOf } from "../async/body-of.js";

export interface RetryOptions {
  /** Attempts for a GET/DELETE failing with 5xx or a network error (and for a refused connection). */
  get: number;
  /** Attempts for a request answered 429 RateLimitExceeded. */
  rateLimited: number;
  /** Delays between those attempts when the server gives no Retry-After. */
  backoff: BackoffPolicy;
  /** A Retry-After longer than this is not waited out: RATE_LIMITED is thrown with `retryAfterMs`. */
  maxRetryAfterMs: number;
}

export interface HttpOptions {
  apiKey: string;
  dispatcher: Dispatcher;
  limiter: RateLimiter;
  headersMs: number;
  bodyMs: number;
  retries: RetryOptions;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random: () => number;
  log: (line: string) => void;
  /** Learns Meshy's clock from the API's answers (never from asset hosts). */
  clock: ServiceClock;
}

export interface HttpRequest {
  method: "GET" | "POST" | "DELETE";
  url: URL;
  /** Send `Authorization`: only for the API origin, never for asset hosts. */
  credentials: boolean;
  /** Pass the API rate limiter (default). Asset downloads do not: they are not API requests. */
  limited?: boolean;
  accept: string;
  body?: string | BodyFactory;
  signal?: AbortSignal;
  /** Statuses handed to the caller instead of being mapped to errors. Default: 2xx. */
  passStatus?: (status: number) => boolean;
  /** Attempts for 5xx/network failures; 1 for a stream that falls back to polling anyway. */
  maxAttempts?: number;
  /** Body idle timeout, ms; 0 disables it (the stream keeps its own idle timer). */
  bodyMs?: number;
}

export type HttpResponse = Dispatcher.ResponseData;

/**
 * Errors that prove the request never left: name resolution, connecting, and TLS
 * handshake failures all come before the first byte of the request. Safe to re-send
 * even a POST, and a create that ends with one of them provably created nothing.
 */
const NOT_SENT_CODES = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "CERT_HAS_EXPIRED",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "ERR_TLS_CERT_ALTNAME_INVALID",
]);
const QUEUE_FULL_MARKERS = ["NoMoreConcurrentTasks", "NoMorePendingTasks"];
const QUEUE_FULL_CODES = new Set(["pending_task_limit_reached", "concurrent_task_limit_reached"]);
/** v2 codes that say more than their HTTP status (docs/meshy-api.md §5.1). */
const CODE_OVERRIDES: Record<string, MeshyErrorCode> = {
  // The route does not exist: not a missing task (a client of the wrong API version, or v1 switched off).
  route_not_found: "REFUSED",
};
const ERROR_BODY_LIMIT = 64 * 1024;

const STATUS_CODES: Record<number, MeshyErrorCode> = {
  400: "REFUSED",
  401: "AUTH",
  402: "CREDITS",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  422: "REFUSED",
};

/** Did this error happen before anything was written to the wire? */
function provablyNotSent(err: unknown): boolean {
  const codes: unknown[] = [];
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    codes.push((e as { code?: unknown }).code);
    // Happy-eyeballs connects report an AggregateError of per-address failures.
    if (e instanceof AggregateError) {
      for (const inner of e.errors) codes.push((inner as { code?: unknown }).code);
    }
  }
  const known = codes.filter((c): c is string => typeof c === "string");
  return known.length > 0 && known.some((c) => NOT_SENT_CODES.has(c));
}

export class MeshyHttp {
  constructor(private readonly opts: HttpOptions) {}

  /**
   * `res.body` as it streams, its failures as MeshyError: a connection cut or stalled while
   * the body streams is NETWORK (free to try again), an abort is ABORTED. Callers outside
   * meshy/ then never branch on undici's own error codes. Giving it up, even unread, frees
   * the connection (async/body-of.ts).
   */
  streamBody(res: HttpResponse, where: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
    return bodyOf(res.body, (err) =>
      signal?.aborted
        ? this.fail("ABORTED", `${where}: aborted`, { cause: err })
        : this.fail("NETWORK", `${where}: the body broke off (${describe(err)})`, { cause: err }),
    );
  }

  /** A MeshyError whose message, Meshy message and cause chain are free of secrets. */
  fail(code: MeshyErrorCode, message: string, init: MeshyErrorInit = {}): MeshyError {
    const key = this.opts.apiKey;
    return new MeshyError(code, redactSecrets(message, key), {
      ...init,
      meshyMessage: init.meshyMessage === undefined ? undefined : redactSecrets(init.meshyMessage, key),
      cause: init.cause === undefined || init.cause instanceof MeshyError ? init.cause : sanitizeError(init.cause, key),
    });
  }

  log(line: string): void {
    this.opts.log(redactSecrets(line, this.opts.apiKey));
  }

  /**
   * Sends `req` until it succeeds or a rule above says stop. Resolves with a
   * response whose status passed `passStatus`; its body is the caller's to consume.
   */
  async send(req: HttpRequest): Promise<HttpResponse> {
    const { retries } = this.opts;
    const maxAttempts = req.maxAttempts ?? retries.get;
    const where = `${req.method} ${quoteUrl(req.url)}`;
    const idempotent = req.method !== "POST";
    let failures = 0;
    let limited = 0;

    for (;;) {
      let res: HttpResponse;
      const started = Date.now();
      try {
        if (req.limited !== false) await this.opts.limiter.acquire(req.signal);
      } catch (err) {
        throw this.fail("ABORTED", `${where}: aborted`, { cause: err });
      }
      try {
        res = await this.attempt(req);
      } catch (err) {
        const notSent = provablyNotSent(err);
        if (req.signal?.aborted && (idempotent || notSent)) {
          throw this.fail("ABORTED", `${where}: aborted`, { cause: err });
        }
        if (!idempotent && !notSent) {
          throw this.fail(
            "UNKNOWN_OUTCOME",
            `${where}: the request was sent but its answer was lost (${describe(err)}); a task may have been created`,
            { cause: err },
          );
        }
        failures++;
        if (failures >= maxAttempts) {
          throw this.fail("NETWORK", `${where}: ${describe(err)} (after ${failures} attempts)`, { cause: err });
        }
        const delay = backoffDelay(failures - 1, retries.backoff, this.opts.random);
        this.log(`${where}: ${describe(err)}; retry ${failures}/${maxAttempts - 1} in ${delay} ms`);
        await this.pause(delay, req.signal, where);
        continue;
      }

      const status = res.statusCode;
      if (req.credentials) this.opts.clock.observe(res.headers.date);
      this.log(`${where} -> ${status} (${Date.now() - started} ms)`);
      if ((req.passStatus ?? isSuccess)(status)) return res;

      // Only the API's error bodies are quoted: an asset host's may echo the URL's signature.
      const { message: meshyMessage, code: meshyCode } = req.credentials ? await readErrorBody(res) : { message: await discard(res) };
      const detail = meshyMessage ? `: ${meshyMessage}` : "";
      const retryAfterMs = parseRetryAfter(res.headers["retry-after"], Date.now());

      if (status === 429) {
        if ((meshyCode && QUEUE_FULL_CODES.has(meshyCode)) || QUEUE_FULL_MARKERS.some((m) => meshyMessage.includes(m))) {
          throw this.fail("QUEUE_FULL", `${where}: the account's task queue is full${detail}`, {
            status,
            meshyMessage,
            meshyCode,
          });
        }
        // Any other 429 is treated as RateLimitExceeded: a 429 created nothing, so retrying is safe.
        limited++;
        const delay = retryAfterMs ?? backoffDelay(limited - 1, retries.backoff, this.opts.random);
        if (limited >= retries.rateLimited || delay > retries.maxRetryAfterMs) {
          throw this.fail("RATE_LIMITED", `${where}: rate limited (429)${detail}`, {
            status,
            meshyMessage,
            meshyCode,
            retryAfterMs,
          });
        }
        this.log(`${where}: rate limited; retry ${limited}/${retries.rateLimited - 1} in ${delay} ms`);
        await this.pause(delay, req.signal, where);
        continue;
      }

      if (status >= 500) {
        if (!idempotent) {
          throw this.fail("UNKNOWN_OUTCOME", `${where}: server error ${status}${detail}; a task may have been created`, {
            status,
            meshyMessage,
          });
        }
        failures++;
        if (failures >= maxAttempts) {
          throw this.fail("SERVER", `${where}: server error ${status}${detail} (after ${failures} attempts)`, {
            status,
            meshyMessage,
          });
        }
        const backoff = backoffDelay(failures - 1, retries.backoff, this.opts.random);
        const delay = Math.min(retries.maxRetryAfterMs, retryAfterMs ?? backoff);
        this.log(`${where}: ${status}; retry ${failures}/${maxAttempts - 1} in ${delay} ms`);
        await this.pause(delay, req.signal, where);
        continue;
      }

      const code = (meshyCode && CODE_OVERRIDES[meshyCode]) || STATUS_CODES[status] || (status >= 400 ? "REFUSED" : "BAD_RESPONSE");
      throw this.fail(code, `${where}: ${status}${meshyCode ? ` ${meshyCode}` : ""}${detail}`, { status, meshyMessage, meshyCode });
    }
  }

  private attempt(req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { accept: req.accept, "user-agent": "rigup" };
    if (req.credentials) headers.authorization = `Bearer ${this.opts.apiKey}`;
    let body: string | AsyncIterable<Uint8Array> | undefined;
    if (typeof req.body === "string") {
      body = req.body;
      headers["content-type"] = "application/json";
    } else if (req.body) {
      // A fresh stream per attempt: a consumed body cannot be re-sent.
      body = req.body.open();
      headers["content-type"] = "application/json";
      headers["content-length"] = String(req.body.length);
    }
    return request(req.url, {
      method: req.method,
      headers,
      // undici sends async iterables as a stream; its typings list only Readable.
      body: body as string | undefined,
      signal: req.signal,
      dispatcher: this.opts.dispatcher,
      headersTimeout: this.opts.headersMs,
      bodyTimeout: req.bodyMs ?? this.opts.bodyMs,
    });
  }

  private async pause(ms: number, signal: AbortSignal | undefined, where: string): Promise<void> {
    try {
      await this.opts.sleep(ms, signal);
    } catch (err) {
      throw this.fail("ABORTED", `${where}: aborted`, { cause: err });
    }
    if (signal?.aborted) throw this.fail("ABORTED", `${where}: aborted`, { cause: signal.reason });
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** A short, key-free description of a transport failure. */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const code = (err as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${err.message}` : err.message || err.name;
}

async function discard(res: HttpResponse): Promise<string> {
  await res.body.dump().catch(() => {});
  return "";
}

/** Meshy's `message` and (v2) `code`, or a snippet of a non-JSON body. */
async function readErrorBody(res: HttpResponse): Promise<{ message: string; code?: string }> {
  let text = "";
  try {
    for await (const chunk of res.body) {
      text += Buffer.from(chunk as Uint8Array).toString("utf8");
      if (text.length > ERROR_BODY_LIMIT) break;
    }
  } catch {
    // The status already says what happened; a broken error body adds nothing.
  } finally {
    res.body.destroy();
  }
  try {
    const parsed = ErrorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return { message: parsed.data.message, code: parsed.data.code };
  } catch {
    // Not JSON: a proxy's HTML page, say.
  }
  return { message: text.replace(/\s+/g, " ").trim().slice(0, 200) };
}
