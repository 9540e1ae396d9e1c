/**
 * The HTTP server: routing, auth, rate limiting and fault injection in front of
 * the handlers. A plain node:http server, so clients meet real sockets, real
 * status lines and real dropped connections.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { handleAdmin, type AdminControls } from "./admin.js";
import type { EmulatorParts, Handler, RequestContext } from "./context.js";
import { serveAsset } from "./downloads.js";
import { ApiError, sendApiError, type ErrorCode } from "./errors.js";
import { sendError } from "./http.js";
import type { ResolvedOptions } from "./options.js";
import { Router, type RouteSpec } from "./router.js";
import { V1_ROUTES } from "./routes-v1.js";
import { V2_ROUTES } from "./routes-v2.js";
import { PREVIEW_GIF } from "./standins.js";
import type { ApiVersion } from "./wire.js";

/** The routes of the versions served: "v1" or "v2" alone rehearses the other's switch-off. */
function servedRoutes(versions: ResolvedOptions["apiVersions"]): { version: ApiVersion; routes: readonly RouteSpec[] }[] {
  return [
    ...(versions !== "v2" ? [{ version: 1 as const, routes: V1_ROUTES }] : []),
    ...(versions !== "v1" ? [{ version: 2 as const, routes: V2_ROUTES }] : []),
  ];
}

const SERVER_ERRORS: Record<string, [ErrorCode, string]> = {
  "500": ["internal_server_error", "Internal Server Error"],
  "502": ["bad_gateway", "Service temporarily unavailable"],
  "503": ["service_unavailable", "Service temporarily unavailable"],
};

/** Which bearer keys are accepted: any "msy_" key, unless apiKeys restricts. Returns the account digest. */
function authenticate(parts: EmulatorParts, req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? "");
  const key = m?.[1];
  if (!key) return undefined;
  const { apiKey, apiKeys } = parts.options;
  const ok = apiKeys ? key === apiKey || apiKeys.includes(key) : key.startsWith("msy_");
  // Accounts are keyed by a digest, so the key itself is never stored or shown.
  return ok ? createHash("sha256").update(key).digest("hex").slice(0, 32) : undefined;
}

export function createEmulatorServer(parts: EmulatorParts, controls: AdminControls): Server {
  const router = new Router(servedRoutes(parts.options.apiVersions));

  async function api(c: RequestContext, handler: Handler): Promise<void> {
    const account = authenticate(parts, c.req);
    if (!account) throw new ApiError("invalid_api_key", "Invalid or missing API key");
    c.account = account;
    const { faults, quota } = parts;
    const injected = c.fault && ["429", "500", "502", "503"].includes(c.fault) ? c.fault : undefined;
    const status =
      injected ?? (faults.roll(faults.current.rate429) ? "429" : faults.roll(faults.current.rate5xx) ? faults.pick5xx() : undefined);
    if (status === "429") {
      faults.count("429");
      throw new ApiError("rate_limit_exceeded", "RateLimitExceeded", { "Retry-After": "1" });
    }
    if (status) {
      faults.count(status);
      const [code, message] = SERVER_ERRORS[status]!;
      throw new ApiError(code, message);
    }
    // One budget per account, whichever version's routes it calls (docs/meshy-api.md §5.3).
    const retryAfter = quota.take(account);
    if (retryAfter !== undefined) {
      faults.count("rate-limit");
      throw new ApiError("rate_limit_exceeded", "RateLimitExceeded", { "Retry-After": String(retryAfter) });
    }
    await handler(c);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const method = req.method ?? "GET";
    const c: RequestContext = { parts, req, res, url, params: {}, account: "", version: 1 };
    // The service's clock, not this machine's: clients compare it with task times.
    res.setHeader("Date", new Date(parts.clock.now()).toUTCString());
    try {
      if (url.pathname.startsWith("/__emulator/")) return await handleAdmin(c, controls);
      const asset = /^\/assets\/([^/]+)\/output\/([^/]+)$/.exec(url.pathname);
      if (asset && method === "GET") {
        parts.stats.request("GET assets", false);
        c.params = { taskId: decodeURIComponent(asset[1]!), file: decodeURIComponent(asset[2]!) };
        c.fault = parts.faults.scripted("GET assets");
        if (c.fault && ["429", "500", "502", "503"].includes(c.fault)) {
          parts.faults.count(c.fault);
          return sendError(res, Number(c.fault), c.fault === "429" ? "RateLimitExceeded" : "Server error");
        }
        return await serveAsset(c);
      }
      const preview = /^\/previews\/(\d+)\.gif$/.exec(url.pathname);
      if (preview && method === "GET") {
        parts.stats.request("GET previews", false);
        res.writeHead(200, { "Content-Type": "image/gif", "Content-Length": String(PREVIEW_GIF.length) });
        return void res.end(PREVIEW_GIF);
      }
      const match = router.match(method, url.pathname);
      c.version = match.version;
      if (match.kind === "method" && match.version === 1) {
        parts.stats.request(match.endpoint, true);
        throw new ApiError("method_not_allowed", "Method not allowed");
      }
      if (match.kind !== "route") {
        // v2 answers unknown paths and methods alike (docs/meshy-api.md §5.2, message CONFIRMED).
        parts.stats.request("other", false);
        throw new ApiError(
          "route_not_found",
          match.version === 1 ? "Not found" : "NoMatchingRoute: Please double check the path and method",
        );
      }
      parts.stats.request(match.endpoint, true);
      c.params = match.params;
      c.fault = parts.faults.scripted(match.endpoint);
      await api(c, match.handler);
    } catch (err) {
      answerError(c, err);
    }
  }

  return createServer((req, res) => void route(req, res));
}

/** Turns a thrown ApiError into its answer for the route's version; anything else is a 500 (an emulator bug). */
function answerError(c: RequestContext, err: unknown): void {
  if (c.res.headersSent || c.res.destroyed) return;
  const error =
    err instanceof ApiError
      ? err
      : new ApiError("internal_server_error", `Internal emulator error: ${err instanceof Error ? err.message : String(err)}`);
  sendApiError(c.res, c.version, error);
}
