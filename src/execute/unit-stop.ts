/** How one unit's failures are told apart; shared by the parts of the executor. */
import type { UnitOutcome } from "./events.js";

const NETWORK_CODES = new Set(["ECONNRESET", "EPIPE", "ETIMEDOUT", "ECONNREFUSED", "UND_ERR_SOCKET", "UND_ERR_BODY_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_CLOSED"]);

/** A connection failure while a body streamed (undici raises these, not MeshyError). */
export function isNetworkError(err: unknown): boolean {
  for (let e = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (NETWORK_CODES.has(String((e as { code?: unknown }).code))) return true;
  }
  return false;
}

/** A unit that cannot go on; `outcome` says how it is reported. */
export class UnitStop extends Error {
  constructor(
    readonly outcome: UnitOutcome,
    message: string,
    readonly code?: string,
  ) {
    super(message);
  }
}
