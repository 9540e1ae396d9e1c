/**
 * What every handler can reach: the emulator's parts, and per request the
 * account, the API version of its route, the fault chosen for it, and how to
 * answer (or lose the answer).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AssetCache, UrlSigner } from "./assets.js";
import type { Clock } from "./clock.js";
import type { FaultInjector, FaultKind } from "./faults.js";
import { sendJson } from "./http.js";
import type { ResolvedOptions } from "./options.js";
import type { RequestQuota } from "./request-quota.js";
import type { TaskStore } from "./state.js";
import type { StatsRecorder } from "./stats.js";
import type { ApiVersion } from "./wire.js";

export interface EmulatorParts {
  options: ResolvedOptions;
  clock: Clock;
  store: TaskStore;
  faults: FaultInjector;
  stats: StatsRecorder;
  quota: RequestQuota;
  signer: UrlSigner;
  cache: AssetCache;
  /** http://host:port, known once listening. */
  baseUrl: string;
}

export interface RequestContext {
  parts: EmulatorParts;
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Digest of the bearer key; "" for unauthenticated routes. */
  account: string;
  /** Which API the route belongs to: how errors are written. */
  version: ApiVersion;
  /** The scripted fault for this request, if any. */
  fault?: FaultKind;
}

export type Handler = (c: RequestContext) => Promise<void>;

/** Answers, unless a lost-answer fault is due: then the socket dies unanswered (the work is done). */
export function answer(c: RequestContext, status: number, body: unknown, lose = false): void {
  if (lose || c.fault === "lost-answer") {
    c.parts.faults.count("lost-answer");
    c.req.socket.destroy();
    return;
  }
  sendJson(c.res, status, body);
}
