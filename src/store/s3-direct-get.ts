/**
 * GetObject without the SDK's middleware stack, for the store's bulk reads (a pull
 * restores thousands of outputs). In a fresh process that stack costs about 1.5 ms
 * of CPU per request, most of it before V8 has compiled its code: 3 CPU-seconds of
 * a 2,000-output pull (bench/store-pull.ts). The request is the one the SDK would
 * send: the URL from the SDK's own endpoint resolver, the signature from the SDK's
 * own signer (its credentials chain and clock-skew correction); undici sends it.
 *
 * Only the plain answer is taken here, a 200 with a length. Anything else (a 404,
 * 403, a redirect to the bucket's region, a 5xx, a reset, an endpoint or auth
 * scheme this path does not know) gives undefined, and the caller asks through the
 * SDK, whose retries, redirects and error reports then apply unchanged.
 */
import type { Readable } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";
import { Agent, request } from "undici";

export interface DirectGet {
  /** The object's bytes, or undefined when the SDK should be asked instead. Throws only when `signal` aborts. */
  get(key: string, signal?: AbortSignal): Promise<{ size: number; body: Readable } | undefined>;
  close(): Promise<void>;
}

export interface DirectGetLimits {
  connections: number;
  connectTimeoutMs: number;
  /** Silence allowed while waiting for headers and between body chunks. */
  idleTimeoutMs: number;
}

/** A DirectGet for `bucket`, or undefined when the SDK would sign or route its GETs in a way this path does not copy. */
export async function directGetter(
  client: S3.S3Client,
  target: { bucket: string; endpoint?: string },
  limits: DirectGetLimits,
): Promise<DirectGet | undefined> {
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
  const dispatcher = new Agent({
    connections: limits.connections,
    connectTimeout: limits.connectTimeoutMs,
    headersTimeout: limits.idleTimeoutMs,
    bodyTimeout: limits.idleTimeoutMs,
  });
  const folder = base.pathname.replace(/\/$/, "");
  // An answer that says this path is wrong for the store (refused, or routed elsewhere), not that an
  // object is missing: every later read goes straight to the SDK instead of asking twice.
  let off = false;

  return {
    async get(key, signal) {
      if (off) return undefined;
      const path = `${folder}/${key.split("/").map(uriEscape).join("/")}`;
      let res;
      try {
        const signed = await signer.sign(
          {
            method: "GET",
            protocol: base.protocol,
            hostname: base.hostname,
            port: base.port === "" ? undefined : Number(base.port),
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
        res = await request(`${base.origin}${path}`, { method: "GET", headers: signed.headers, dispatcher, signal });
      } catch (err) {
        if (signal?.aborted) throw err;
        return undefined;
      }
      const size = Number(res.headers["content-length"]);
      if (res.statusCode === 200 && Number.isSafeInteger(size)) return { size, body: res.body };
      if (res.statusCode < 500 && res.statusCode !== 404 && res.statusCode !== 429) off = true;
      await res.body.dump().catch(() => {});
      return undefined;
    },
    // Not close(): that waits for every response, and a body nobody reads would hold it until its timeout.
    close: () => dispatcher.destroy(),
  };
}

/** RFC 3986 escaping of one path segment, as S3 signs it (encodeURIComponent leaves !'()* alone). */
function uriEscape(segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
