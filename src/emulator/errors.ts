/**
 * Every error the emulator answers, in one table (docs/meshy-api.md §5): HTTP
 * status, v2 `type` and `code`, and whether Meshy documents the code (CONFIRMED)
 * or the emulator made it up for a case the docs leave open (INFERRED). v1 routes
 * answer the same errors as `{"message"}`, v2 routes as `{type, code, message, doc_url}`.
 */
import type { ServerResponse } from "node:http";
import { sendJson } from "./http.js";
import type { ApiVersion } from "./wire.js";

interface ErrorSpec {
  status: number;
  type: string;
  tag: "CONFIRMED" | "INFERRED";
  /** Only pending_task_limit_reached is documented with a link; its address is INFERRED. */
  docUrl?: string;
}

export const ERRORS = {
  // Documented codes. The `type` of the input_task_* codes is INFERRED (only the code is documented).
  route_not_found: { status: 404, type: "not_found", tag: "CONFIRMED" },
  parameters_conflict: { status: 400, type: "invalid_input", tag: "CONFIRMED" },
  input_task_not_ready: { status: 400, type: "invalid_input", tag: "CONFIRMED" },
  input_task_unsupported: { status: 400, type: "invalid_input", tag: "CONFIRMED" },
  rate_limit_exceeded: { status: 429, type: "rate_limited", tag: "CONFIRMED" },
  pending_task_limit_reached: {
    status: 429,
    type: "rate_limited",
    tag: "CONFIRMED",
    docUrl: "https://docs.meshy.ai/en/api/v2/rate-limits",
  },
  concurrent_task_limit_reached: { status: 429, type: "rate_limited", tag: "CONFIRMED" },
  // Invented for the cases §5.2 leaves open; statuses are v1's (unchanged in v2, CONFIRMED).
  invalid_request_body: { status: 400, type: "invalid_input", tag: "INFERRED" },
  unknown_parameter: { status: 400, type: "invalid_input", tag: "INFERRED" },
  missing_parameter: { status: 400, type: "invalid_input", tag: "INFERRED" },
  invalid_parameter: { status: 400, type: "invalid_input", tag: "INFERRED" },
  triangle_limit_exceeded: { status: 400, type: "invalid_input", tag: "INFERRED" },
  action_not_found: { status: 400, type: "invalid_input", tag: "INFERRED" },
  rig_type_mismatch: { status: 400, type: "invalid_input", tag: "INFERRED" },
  task_not_deletable: { status: 400, type: "invalid_input", tag: "INFERRED" },
  invalid_api_key: { status: 401, type: "unauthorized", tag: "INFERRED" },
  insufficient_credits: { status: 402, type: "payment_required", tag: "INFERRED" },
  task_not_found: { status: 404, type: "not_found", tag: "INFERRED" },
  method_not_allowed: { status: 405, type: "not_found", tag: "INFERRED" }, // v1 routes only; v2 answers route_not_found
  request_too_large: { status: 413, type: "invalid_input", tag: "INFERRED" },
  pose_estimation_failed: { status: 422, type: "invalid_input", tag: "INFERRED" },
  internal_server_error: { status: 500, type: "server_error", tag: "INFERRED" },
  bad_gateway: { status: 502, type: "server_error", tag: "INFERRED" },
  service_unavailable: { status: 503, type: "server_error", tag: "INFERRED" },
  // A FAILED task's task_error (same shape as a request error); no HTTP answer carries these.
  rigging_failed: { status: 422, type: "task_failed", tag: "INFERRED" },
  animation_failed: { status: 422, type: "task_failed", tag: "INFERRED" },
} as const satisfies Record<string, ErrorSpec>;
export type ErrorCode = keyof typeof ERRORS;

/** An error answer: thrown by handlers, rendered for the route's API version. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  get status(): number {
    return ERRORS[this.code].status;
  }
}

export interface V2ErrorBody {
  type: string;
  code: string;
  message: string;
  doc_url: string | null;
}

/** The v2 error object: exactly four fields (also a FAILED task's `task_error`). */
export function v2ErrorBody(code: ErrorCode, message: string): V2ErrorBody {
  const spec: ErrorSpec = ERRORS[code];
  return { type: spec.type, code, message, doc_url: spec.docUrl ?? null };
}

export function sendApiError(res: ServerResponse, version: ApiVersion, err: ApiError): void {
  sendJson(res, err.status, version === 1 ? { message: err.message } : v2ErrorBody(err.code, err.message), err.headers);
}
