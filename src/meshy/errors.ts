/**
 * Typed failures of the Meshy API, with a stable `code` the executor branches on
 * (as undici's errors do). Messages never contain the API key: every message
 * passes through `redact` before it is stored.
 */

export type MeshyErrorCode =
  /** 401: bad or missing key. Stops the run. */
  | "AUTH"
  /** 402: insufficient credits. Stops new submissions. */
  | "CREDITS"
  /** 403: forbidden (also: an expired signed asset URL). */
  | "FORBIDDEN"
  /** 400/422: this one request is refused, with Meshy's message. */
  | "REFUSED"
  /** 404: unknown or expired task. */
  | "NOT_FOUND"
  /** 429 RateLimitExceeded: requests per second. */
  | "RATE_LIMITED"
  /** 429 NoMoreConcurrentTasks / NoMorePendingTasks: the account queue is full. */
  | "QUEUE_FULL"
  /** 5xx on a request that is safe to retry (GET), after retries ran out. */
  | "SERVER"
  /** Network failure on a request that is safe to retry, after retries ran out. */
  | "NETWORK"
  /** A POST whose answer was lost: it may or may not have created (and billed) a task. */
  | "UNKNOWN_OUTCOME"
  /** The task stream reported `event: error`. */
  | "STREAM"
  /** The body did not match the documented shape. */
  | "BAD_RESPONSE"
  /** The caller aborted. */
  | "ABORTED";

export interface MeshyErrorInit {
  status?: number;
  /** Meshy's own `message`, redacted. */
  meshyMessage?: string;
  /** v2's stable error `code` (e.g. `input_task_not_ready`); absent under v1. */
  meshyCode?: string;
  /** For RATE_LIMITED: the server's Retry-After, in ms, when it sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class MeshyError extends Error {
  override readonly name = "MeshyError";
  readonly code: MeshyErrorCode;
  readonly status?: number;
  readonly meshyMessage?: string;
  readonly meshyCode?: string;
  readonly retryAfterMs?: number;

  constructor(code: MeshyErrorCode, message: string, init: MeshyErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    this.status = init.status;
    this.meshyMessage = init.meshyMessage;
    this.meshyCode = init.meshyCode;
    this.retryAfterMs = init.retryAfterMs;
  }
}

export function isMeshyError(err: unknown, ...codes: MeshyErrorCode[]): err is MeshyError {
  return err instanceof MeshyError && (codes.length === 0 || codes.includes(err.code));
}
