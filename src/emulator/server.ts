/**
 * The HTTP server: routing, auth, rate limiting and fault injection in front of
 * the handlers. A plain node:http server, so clients meet real sockets, real
 * status lines and real dropped connections.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { KIND_PATH } from "../meshy/schemas.js";
import { handleAdmin, type AdminControls } from "./admin.js";
import type { EmulatorParts, RequestContext } from "./context.js";
import { serveAsset } from "./downloads.js";
import { sendError, sendJson } from "./http.js";
import { answerError, apiHandlers, type Handler } from "./routes.js";
import { streamTask } from "./sse.js";
import { PREVIEW_GIF } from "./standins.js";

interface Match {
  endpoint: string;
  params: Record<string, string>;
}

const ID = "([^/]+)";
const PATTERNS: [RegExp, string, string[]][] = [
  [/^\/openapi\/v1\/animations\/library$/, "/openapi/v1/animations/library", []],
  ...(["rig", "animation"] as const).flatMap((kind): [RegExp, string, string[]][] => {
    const base = `/openapi/v1/${KIND_PATH[kind]}`;
    return [
      [new RegExp(`^${base}$`), base, []],
      [new RegExp(`^${base}/${ID}/stream$`), `${base}/:id/stream`, ["id"]],
      [new RegExp(`^${base}/${ID}$`), `${base}/:id`, ["id"]],
    ];
  }),
];

/** Endpoint key ("GET /openapi/v1/rigging/:id") and path params, or undefined. */
function matchApi(method: string, pathname: string): Match | undefined {
  for (const [re, key, names] of PATTERNS) {
    const m = re.exec(pathname);
    if (!m) continue;
    const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
    return { endpoint: `${method} ${key}`, params };
  }
  return undefined;
}

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
  const handlers: Record<string, Handler> = { ...apiHandlers() };
  for (const kind of ["rig", "animation"] as const) handlers[`GET /openapi/v1/${KIND_PATH[kind]}/:id/stream`] = streamTask(kind);

  async function api(c: RequestContext, endpoint: string): Promise<void> {
    const handler = handlers[endpoint];
    if (!handler) return sendError(c.res, 405, "Method not allowed");
    const account = authenticate(parts, c.req);
    if (!account) return sendError(c.res, 401, "Invalid or missing API key");
    c.account = account;
    const { faults, limiter } = parts;
    const injected = c.fault && ["429", "500", "502", "503"].includes(c.fault) ? c.fault : undefined;
    const status = injected ?? (faults.roll(faults.current.rate429) ? "429" : faults.roll(faults.current.rate5xx) ? faults.pick5xx() : undefined);
    if (status === "429") {
      faults.count("429");
      return sendError(c.res, 429, "RateLimitExceeded", { "Retry-After": "1" });
    }
    if (status) {
      faults.count(status);
      return sendError(c.res, Number(status), Number(status) === 500 ? "Internal Server Error" : "Service temporarily unavailable");
    }
    const retryAfter = limiter.take(account);
    if (retryAfter !== undefined) {
      faults.count("rate-limit");
      return sendError(c.res, 429, "RateLimitExceeded", { "Retry-After": String(retryAfter) });
    }
    await handler(c);
  }

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://emulator.local");
    const method = req.method ?? "GET";
    const c: RequestContext = { parts, req, res, url, params: {}, account: "" };
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
      const match = matchApi(method, url.pathname);
      if (!match) {
        parts.stats.request("other", false);
        return sendJson(res, 404, { message: "Not found" });
      }
      parts.stats.request(match.endpoint, true);
      c.params = match.params;
      c.fault = parts.faults.scripted(match.endpoint);
      await api(c, match.endpoint);
    } catch (err) {
      answerError(c, err);
    }
  }

  return createServer((req, res) => void route(req, res));
}
