/**
 * GetObject without the SDK's middleware stack, for the store's bulk reads (a pull
 * restores thousands of outputs). In a fresh process that stack costs about 1.5 ms
 * of CPU per request, most of it before V8 has compiled its code: 3 CPU-seconds of
 * a 2,000-output pull (bench/store-pull.ts). The request is the one the SDK would
 * send: the URL from the SDK's own endpoint resolver, the signature from the SDK's
 * own signer (its credentials chain and clock-skew correction); node:http sends it.
 * Not undici: in a fresh process its client costs 60 ms to load and, for 2,000 GETs,
 * about 0.8 CPU-seconds more than node:http, whose parser is native and whose code
 * Node keeps compiled.
 *
 * Only the plain answer is taken here, a 200 with a length (and, to a HEAD, a 404:
 * the SDK's HEAD gets no more than that status either). Anything else (a GET's 404,
 * whose body may say the bucket is missing, a 403, a redirect to the bucket's region,
 * a 5xx, a reset, an endpoint or auth scheme this path does not know) gives
 * undefined, and the caller asks through the SDK, whose retries, redirects and error
 * reports then apply unchanged. HEADs go this way too: the pull's one HEAD then runs
 * no SDK middleware at all, and a build's uploads each ask one.
 */
import * as http from "node:http";
import * as https from "node:https";
import type { Readable } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";

export interface DirectReads {
  /** The object's bytes, or undefined when the SDK should be asked instead. Throws only when `signal` aborts. */
  get(key: string, signal?: AbortSignal): Promise<{ size: number; body: Readable } | undefined>;
  /** The object's size; null when there is no such object; undefined when the SDK should be asked. */
  head(key: string, signal?: AbortSignal): Promise<{ size: number } | null | undefined>;
  close(): Promise<void>;
}

export interface DirectReadsLimits {
  connections: number;
  connectTimeoutMs: number;
  /** Silence allowed while waiting for headers and between body chunks. */
  idleTimeoutMs: number;
}

/** Direct reads of `bucket`, or undefined when the SDK would sign or route its GETs in a way this path does not copy. */
export async function directReads(
  client: S3.S3Client,
  target: { bucket: string; endpoint?: string },
  limits: DirectReadsLimits,
): Promise<DirectReads | undefined> {
  const { config } = client;
  let endpoint;
  try {
    endpoint = config.endpointProvider({
      Bucket: target.bucket,
      Region: await config.region(),
      UseFIPS: await config.useFipsEndpoint(),
      UseDualStack: await config.useDualstackEndpoint(),
      ForcePathStyle: config.forcePathStyle,
      Accelerate: config.useAccelerateEndpoint,
      Endpoint: target.endpoint,
    });
  } catch {
    // No region, an invalid bucket name for the endpoint, ...: the SDK says what is wrong.
    return undefined;
  }
  const scheme = endpoint.properties?.authSchemes?.[0] as { name?: string; signingName?: string; signingRegion?: string } | undefined;
  // Plain SigV4 only (not SigV4a, not S3 Express sessions), and no headers the endpoint adds.
  if (scheme?.name !== "sigv4" || !scheme.signingName || !scheme.signingRegion || Object.keys(endpoint.headers ?? {}).length > 0) {
    return undefined;
  }
  const signer = await config.signer(scheme as Parameters<typeof config.signer>[0]);
  const base = new URL(endpoint.url.href);
  if (base.search !== "") return undefined;
  const secure = base.protocol === "https:";
  const port = base.port === "" ? undefined : Number(base.port);
  // keepAlive: the connections are reused across reads, at most `connections` of them.
  const agent = new (secure ? https.Agent : http.Agent)({ keepAlive: true, maxSockets: limits.connections });
  const folder = base.pathname.replace(/\/$/, "");
  // An answer that says this path is wrong for the store (refused, or routed elsewhere), not that an
  // object is missing: every later read goes straight to the SDK instead of asking twice.
  let off = false;

  /** The signed request, as the SDK would send it; undefined when it could not be sent (or `off`). */
  const send = async (method: "GET" | "HEAD", key: string, signal: AbortSignal | undefined) => {
    if (off) return undefined;
    const path = `${folder}/${key.split("/").map(uriEscape).join("/")}`;
    try {
      const signed = await signer.sign(
        {
          method,
          protocol: base.protocol,
          hostname: base.hostname,
          port,
          path,
          query: {},
          headers: { host: base.host },
        },
        {
          signingDate: new Date(Date.now() + (config.systemClockOffset ?? 0)),
          signingRegion: scheme.signingRegion,
          signingService: scheme.signingName,
        },
      );
      return await new Promise<http.IncomingMessage>((resolve, reject) => {
        const req = (secure ? https : http).request({
          protocol: base.protocol,
          hostname: base.hostname,
          port,
          path,
          method,
          headers: signed.headers,
          agent,
          signal,
        });
        // Connecting may take connectTimeoutMs; after that, silence (before the headers, between body chunks) idleTimeoutMs.
        req.once("socket", (socket) => {
          if (!socket.connecting) return void req.setTimeout(limits.idleTimeoutMs);
          req.setTimeout(limits.connectTimeoutMs);
          socket.once("connect", () => req.setTimeout(limits.idleTimeoutMs));
        });
        let response: http.IncomingMessage | undefined;
        req.on("timeout", () => {
          const err = Object.assign(new Error(`no answer from ${base.origin} in time`), { code: "ETIMEDOUT" });
          // The body's reader hears why (not a bare "aborted").
          response?.destroy(err);
          req.destroy(err);
        });
        req.once("response", (res) => resolve((response = res)));
        // Kept after the answer: a later error (the body cut, a timeout) reaches the body's reader, not the process.
        req.on("error", reject);
        req.end();
      });
    } catch (err) {
      if (signal?.aborted) throw err;
      return undefined;
    }
  };
  /** Gives back a body not handed out; turns this path off after an answer that says it is wrong for the store. */
  const refuse = (res: http.IncomingMessage) => {
    const status = res.statusCode ?? 0;
    if (status < 500 && status !== 404 && status !== 429) off = true;
    res.resume();
    return undefined;
  };

  return {
    async get(key, signal) {
      const res = await send("GET", key, signal);
      if (!res) return undefined;
      const size = Number(res.headers["content-length"]);
      if (res.statusCode === 200 && Number.isSafeInteger(size)) return { size, body: res };
      return refuse(res);
    },
    async head(key, signal) {
      const res = await send("HEAD", key, signal);
      if (!res) return undefined;
      const size = Number(res.headers["content-length"]);
      if (res.statusCode !== 404 && !(res.statusCode === 200 && Number.isSafeInteger(size))) return refuse(res);
      res.resume();
      return res.statusCode === 404 ? null : { size };
    },
    // Every connection closed now, in use or not: a body nobody reads must not hold the store open.
    close: async () => agent.destroy(),
  };
}

/** RFC 3986 escaping of one path segment, as S3 signs it (encodeURIComponent leaves !'()* alone). */
function uriEscape(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
