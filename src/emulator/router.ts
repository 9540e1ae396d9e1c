/**
 * Matching a request to the routes of the API versions being served. A route's
 * key ("GET /openapi/v2/tasks/:id") names it in the stats and in fault scripts.
 * Routes of a version switched off are simply absent: they answer as unknown paths do.
 */
import type { Handler } from "./context.js";
import type { ApiVersion } from "./wire.js";

export interface RouteSpec {
  method: "GET" | "POST" | "DELETE";
  /** With `:name` parameters, e.g. "/openapi/v2/tasks/:id/stream". */
  path: string;
  handler: Handler;
}

interface PathRoutes {
  version: ApiVersion;
  path: string;
  re: RegExp;
  names: string[];
  methods: Map<string, Handler>;
}

export type RouteMatch =
  | { kind: "route"; version: ApiVersion; endpoint: string; params: Record<string, string>; handler: Handler }
  /** A known path, another method. */
  | { kind: "method"; version: ApiVersion; endpoint: string }
  /** Unknown path; `version` by its prefix, for the shape of the 404. */
  | { kind: "none"; version: ApiVersion };

export class Router {
  private readonly paths: PathRoutes[] = [];

  /** Paths match in table order: list "/animations/library" before "/animations/:id". */
  constructor(tables: readonly { version: ApiVersion; routes: readonly RouteSpec[] }[]) {
    for (const { version, routes } of tables) {
      for (const r of routes) {
        let entry = this.paths.find((p) => p.path === r.path);
        if (!entry) {
          const names = [...r.path.matchAll(/:(\w+)/g)].map((m) => m[1]!);
          const re = new RegExp(`^${r.path.replace(/:\w+/g, "([^/]+)")}$`);
          entry = { version, path: r.path, re, names, methods: new Map() };
          this.paths.push(entry);
        }
        entry.methods.set(r.method, r.handler);
      }
    }
  }

  match(method: string, pathname: string): RouteMatch {
    for (const p of this.paths) {
      const m = p.re.exec(pathname);
      if (!m) continue;
      const endpoint = `${method} ${p.path}`;
      const handler = p.methods.get(method);
      if (!handler) return { kind: "method", version: p.version, endpoint };
      const params = Object.fromEntries(p.names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
      return { kind: "route", version: p.version, endpoint, params, handler };
    }
    return { kind: "none", version: /^\/openapi\/v2(\/|$)/.test(pathname) ? 2 : 1 };
  }
}
