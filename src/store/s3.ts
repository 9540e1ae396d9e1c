/**
 * The team store in S3 or an S3-compatible service (R2, MinIO, ...), on the AWS SDK.
 * This file imports the SDK for types only: open.ts loads it on demand and hands it
 * over, so a command that never touches the store never pays for loading it (nor a
 * pull for the multipart upload helper, loaded by the first large upload).
 *
 * Credentials come only from the SDK's default provider chain (environment, shared
 * config and SSO, container and instance roles), never from rigup's settings, and
 * no message built here carries one: errors are rebuilt from the S3 error code and
 * HTTP status, the SDK's error object is never attached.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import type * as S3 from "@aws-sdk/client-s3";
import { checkKey } from "./folder.js";
import { bodyOf } from "../async/body-of.js";
import { StoreError, type ObjectBody, type ObjectStore, type StoredObject } from "./object-store.js";
import { redactSecrets } from "../text/redact.js";
import { directReads, type DirectReads } from "./s3-direct-reads.js";

/** The SDK's client, loaded by the caller (open.ts); its upload helper loads with the first large upload. */
export interface S3Sdk {
  s3: typeof S3;
}

export interface S3StoreOptions {
  bucket: string;
  /** Key prefix inside the bucket, without leading or trailing '/'; "" for the bucket's root. */
  prefix?: string;
  /** Default: the SDK's chain (AWS_REGION, the shared config). */
  region?: string;
  /** An S3-compatible service's URL (R2, MinIO, ...). Default: AWS. */
  endpoint?: string;
  forcePathStyle?: boolean;
  /** Attempts per request, retries included (SDK default 3). */
  maxAttempts?: number;
}

/** Keep-alive sockets per client; also the most requests in flight at once. */
const MAX_SOCKETS = 32;
const CONNECT_TIMEOUT_MS = 10_000;
/**
 * A socket silent this long is dead. There is no total request timeout: an upload part
 * or a 1 GB download on a slow link can rightly take minutes while bytes keep moving.
 */
const IDLE_TIMEOUT_MS = 60_000;
/**
 * Multipart uploads hold about QUEUE + 2 parts of PART_SIZE in memory (the SDK copies
 * each part into one buffer to sign and retry it, from the file's 64 KB reads): ~30 MB
 * live for any file size (35-40 MB measured), plus the garbage those copies leave
 * until V8 collects it. 5 MiB is S3's smallest part.
 */
const PART_SIZE = 5 * 1024 * 1024;
const QUEUE = 4;
/** S3's limit on parts per upload; PART_SIZE grows past 50 GB to stay under it. */
const MAX_PARTS = 10_000;
/** 1,000 keys a page: 100 million keys, far beyond any team store, ends a runaway listing. */
const MAX_LIST_PAGES = 100_000;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "ECONNABORTED",
  // A body that ended before its length (the direct reads: s3-direct-reads.ts).
  "ERR_STREAM_PREMATURE_CLOSE",
]);
const AUTH_CODES = new Set([
  "InvalidAccessKeyId",
  "SignatureDoesNotMatch",
  "ExpiredToken",
  "InvalidToken",
  "TokenRefreshRequired",
  "InvalidClientTokenId",
]);
const SILENT = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

export function s3Label(o: { bucket: string; prefix?: string; endpoint?: string }): string {
  const base = `s3://${o.bucket}${o.prefix ? `/${o.prefix}` : ""}`;
  return o.endpoint ? `${base} at ${new URL(o.endpoint).origin}` : base;
}

export class S3ObjectStore implements ObjectStore {
  readonly label: string;
  /** `If-None-Match: *` on PutObject and CompleteMultipartUpload (AWS, R2 and MinIO honour it). */
  readonly atomicCreate = true;
  private readonly client: S3.S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly endpoint: string | undefined;
  /** Reads outside the SDK's middleware (`directReads`). */
  private direct: Promise<DirectReads | undefined> | undefined;

  constructor(
    options: S3StoreOptions,
    private readonly sdk: S3Sdk,
  ) {
    this.bucket = options.bucket;
    this.prefix = options.prefix ? `${options.prefix}/` : "";
    this.label = s3Label(options);
    this.endpoint = options.endpoint;
    const agent = { keepAlive: true, maxSockets: MAX_SOCKETS };
    this.client = new sdk.s3.S3Client({
      region: options.region,
      endpoint: options.endpoint,
      forcePathStyle: options.forcePathStyle,
      maxAttempts: options.maxAttempts,
      // A bucket in another region than the one configured still works on AWS.
      followRegionRedirects: true,
      // By default the SDK streams bodies aws-chunked with CRC32 trailers
      // (x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER), which third-party
      // S3 servers may refuse (s3rver answers 400 InvalidArgument). Checksums only where
      // an operation requires them; the store's content is addressed by its sha256,
      // which readers verify.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      // Our own agents: keep-alive with a bound, used for every request (the SDK would
      // otherwise open an unbounded, non-keep-alive agent for `Expect: 100-continue` bodies).
      requestHandler: {
        httpAgent: new HttpAgent(agent),
        httpsAgent: new HttpsAgent(agent),
        connectionTimeout: CONNECT_TIMEOUT_MS,
        socketTimeout: IDLE_TIMEOUT_MS,
      },
      // The SDK writes some warnings to the console by default; rigup reports through StoreError.
      logger: SILENT,
    });
  }

  async head(key: string, opts: { signal?: AbortSignal } = {}): Promise<StoredObject | undefined> {
    const Key = this.keyOf(key);
    const direct = await (await this.directReads())?.head(Key, opts.signal).catch((err: unknown) => {
      throw this.fail(err, "read", key, opts.signal);
    });
    if (direct !== undefined) return direct === null ? undefined : { key, size: direct.size };
    try {
      const out = await this.client.send(new this.sdk.s3.HeadObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: opts.signal });
      return { key, size: out.ContentLength ?? 0 };
    } catch (err) {
      if (statusOf(err) === 404 && codeOf(err) !== "NoSuchBucket") return undefined;
      // A HEAD answer has no body, so a 403 does not say whether the credentials or the
      // permissions are wrong: one GET of a byte asks the same question with an answer.
      if (statusOf(err) === 403) await this.probe(Key, key, opts.signal);
      throw this.fail(err, "read", key, opts.signal);
    }
  }

  async get(key: string, opts: { signal?: AbortSignal } = {}): Promise<ObjectBody | undefined> {
    const Key = this.keyOf(key);
    const mapError = (err: unknown) => this.fail(err, "read", key, opts.signal);
    const direct = await (await this.directReads())?.get(Key, opts.signal).catch((err: unknown) => {
      throw mapError(err);
    });
    if (direct) return { size: direct.size, body: bodyOf(direct.body, mapError) };
    // Anything but a plain 200 is asked again through the SDK: its retries, redirects and errors.
    let out;
    try {
      out = await this.client.send(new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key }), { abortSignal: opts.signal });
    } catch (err) {
      if (codeOf(err) === "NoSuchKey" || (statusOf(err) === 404 && codeOf(err) !== "NoSuchBucket")) return undefined;
      throw mapError(err);
    }
    // In Node the SDK's body is the response stream (an IncomingMessage).
    const body = out.Body as Readable | undefined;
    if (body === undefined) throw new StoreError("STORE_FAILED", `${this.label}: cannot read ${key}: the answer had no body`);
    // Errors mid-body (a reset connection, an idle timeout) name the store too.
    return { size: out.ContentLength ?? 0, body: bodyOf(body, mapError) };
  }

  async put(
    key: string,
    from: { bytes: Uint8Array } | { file: string },
    opts: { ifAbsent?: boolean; signal?: AbortSignal } = {},
  ): Promise<boolean> {
    const Key = this.keyOf(key);
    const IfNoneMatch = opts.ifAbsent ? "*" : undefined;
    // A missing or unreadable source is the caller's problem, not the store's: its own error.
    const size = "file" in from ? (await stat(from.file)).size : from.bytes.byteLength;
    try {
      if ("bytes" in from) {
        const command = new this.sdk.s3.PutObjectCommand({ Bucket: this.bucket, Key, Body: from.bytes, ContentLength: size, IfNoneMatch });
        await this.client.send(command, { abortSignal: opts.signal });
      } else {
        await this.upload(Key, from.file, size, IfNoneMatch, opts.signal);
      }
      return true;
    } catch (err) {
      // 409: another conditional write to the key is in flight (AWS); either way someone else has it.
      if (opts.ifAbsent && (codeOf(err) === "PreconditionFailed" || statusOf(err) === 412 || codeOf(err) === "ConditionalRequestConflict"))
        return false;
      throw this.fail(err, "write", key, opts.signal);
    }
  }

  async delete(key: string): Promise<void> {
    const Key = this.keyOf(key);
    try {
      await this.client.send(new this.sdk.s3.DeleteObjectCommand({ Bucket: this.bucket, Key }));
    } catch (err) {
      throw this.fail(err, "delete", key);
    }
  }

  async *list(prefix: string, opts: { signal?: AbortSignal } = {}): AsyncIterable<StoredObject> {
    if (prefix.includes("\\") || prefix.startsWith("/") || prefix.split("/").some((s) => s === "." || s === "..")) {
      throw new Error(`invalid store prefix ${JSON.stringify(prefix)}`);
    }
    let ContinuationToken: string | undefined;
    for (let page = 0; page < MAX_LIST_PAGES; page++) {
      let out;
      try {
        const command = new this.sdk.s3.ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.prefix + prefix, ContinuationToken });
        out = await this.client.send(command, { abortSignal: opts.signal });
      } catch (err) {
        throw this.fail(err, "list", prefix || "/", opts.signal);
      }
      for (const o of out.Contents ?? []) {
        if (o.Key?.startsWith(this.prefix)) yield { key: o.Key.slice(this.prefix.length), size: o.Size ?? 0 };
      }
      if (!out.IsTruncated || !out.NextContinuationToken) return;
      ContinuationToken = out.NextContinuationToken;
    }
    throw new StoreError("STORE_FAILED", `${this.label}: more than ${MAX_LIST_PAGES} pages under ${prefix || "/"}; stopped listing`);
  }

  async close(): Promise<void> {
    await (await this.direct)?.close();
    this.client.destroy();
  }

  /** Made on first use; undefined when every read goes through the SDK. */
  private directReads(): Promise<DirectReads | undefined> {
    return (this.direct ??= directReads(
      this.client,
      { bucket: this.bucket, endpoint: this.endpoint },
      { connections: MAX_SOCKETS, connectTimeoutMs: CONNECT_TIMEOUT_MS, idleTimeoutMs: IDLE_TIMEOUT_MS },
    ).catch(() => undefined));
  }

  private keyOf(key: string): string {
    checkKey(key);
    return this.prefix + key;
  }

  /** Multipart when larger than a part, streamed from disk: memory stays near (QUEUE + 2) × PART_SIZE. */
  private async upload(Key: string, file: string, size: number, IfNoneMatch: string | undefined, signal?: AbortSignal): Promise<void> {
    const body = createReadStream(file);
    const abortController = new AbortController();
    const onAbort = () => abortController.abort();
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      const { Upload } = await import("@aws-sdk/lib-storage");
      const upload = new Upload({
        client: this.client,
        // IfNoneMatch rides on the single PutObject or on CompleteMultipartUpload.
        params: { Bucket: this.bucket, Key, Body: body, ContentLength: size, IfNoneMatch },
        partSize: Math.max(PART_SIZE, Math.ceil(size / MAX_PARTS)),
        queueSize: QUEUE,
        abortController,
      });
      await upload.done();
    } finally {
      signal?.removeEventListener("abort", onAbort);
      body.destroy();
    }
  }

  private async probe(Key: string, key: string, signal?: AbortSignal): Promise<void> {
    try {
      const out = await this.client.send(new this.sdk.s3.GetObjectCommand({ Bucket: this.bucket, Key, Range: "bytes=0-0" }), {
        abortSignal: signal,
      });
      (out.Body as { destroy?: () => void } | undefined)?.destroy?.();
    } catch (err) {
      throw this.fail(err, "read", key, signal);
    }
  }

  private fail(err: unknown, op: string, key: string, signal?: AbortSignal): unknown {
    // The caller's abort is not a store failure: let it surface as the caller's reason.
    signal?.throwIfAborted();
    if (err instanceof StoreError) return err;
    const where = `${this.label}: cannot ${op} ${key}`;
    const code = codeOf(err);
    const status = statusOf(err);
    const name = (err as { name?: unknown } | null)?.name;
    const message = String((err as { message?: unknown } | null)?.message ?? "");
    if ((code !== undefined && NETWORK_CODES.has(code)) || name === "TimeoutError") {
      return new StoreError("STORE_UNREACHABLE", `${where}: the store did not answer (${code ?? "timed out"})`);
    }
    if (name === "CredentialsProviderError" || name === "TokenProviderError") {
      return new StoreError(
        "STORE_AUTH",
        `${where}: no usable AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE; after an SSO session expires, \`aws sso login\`)`,
      );
    }
    if ((code !== undefined && AUTH_CODES.has(code)) || status === 401) {
      return new StoreError(
        "STORE_AUTH",
        `${where}: the store refused the credentials (${code ?? `HTTP ${status}`}); check the AWS credentials rigup runs with`,
      );
    }
    if (code === "AccessDenied" || status === 403) {
      return new StoreError(
        "STORE_DENIED",
        `${where}: access denied (${code ?? "HTTP 403"}); the credentials lack permission for this bucket or prefix`,
      );
    }
    if (code === "NoSuchBucket") return new StoreError("STORE_NOT_FOUND", `${where}: the bucket ${this.bucket} does not exist`);
    if (message === "Region is missing") {
      return new StoreError("STORE_FAILED", `${where}: no AWS region; set the store's region in the config or AWS_REGION`);
    }
    const detail = [code, status !== undefined ? `HTTP ${status}` : undefined, scrub(message)].filter(Boolean).join(", ");
    return new StoreError("STORE_FAILED", `${where}: ${detail || "unknown error"}`);
  }
}

/** The S3 error code (service errors) or the Node error code (network errors). */
function codeOf(err: unknown): string | undefined {
  const e = err as { Code?: unknown; code?: unknown; name?: unknown; $metadata?: unknown } | null;
  for (const c of [e?.Code, e?.code, e?.$metadata !== undefined ? e?.name : undefined]) {
    if (typeof c === "string" && c !== "" && c !== "Unknown" && c !== "Error") return c;
  }
  return undefined;
}

function statusOf(err: unknown): number | undefined {
  const s = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof s === "number" ? s : undefined;
}

/**
 * A server's free-text message, for errors no code explains, minus anything shaped
 * like a credential or a signed URL: third-party servers' messages are not ours to trust.
 */
function scrub(message: string): string {
  // rigup's own masks first (text/redact.ts), then stricter ones for text no one here wrote.
  return redactSecrets(message)
    .replace(/\b[A-Za-z][A-Za-z0-9+.-]*:\/\/\S*/g, "[url]")
    .replace(/[?&]\S*/g, "")
    .replace(/[A-Za-z0-9/+=_-]{24,}/g, "[redacted]")
    .slice(0, 200);
}
