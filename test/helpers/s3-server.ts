/**
 * A throwaway S3 server for tests and benchmarks: s3rver (a filesystem-backed S3
 * emulator) behind a small proxy, both in a child process on 127.0.0.1. s3rver 3.7
 * differs from AWS, R2 and MinIO where the team store depends on it, hence the proxy:
 *
 * - It ignores `If-None-Match: *` on writes; the store's claims rely on a 412
 *   PreconditionFailed when the key exists. The proxy checks and forwards
 *   conditional writes (PutObject and CompleteMultipartUpload) one at a time per key.
 * - It never checks a SigV4 signature (only that the access key id is known), so a
 *   wrong secret would go unnoticed. The proxy verifies signatures against this
 *   server's own random key pair, answers 403 like AWS (error bodies that echo the
 *   access key id, so leak tests mean something), and forwards without credentials.
 * - Its auth check is also where it refuses payloads it cannot decode (the SDK's
 *   default `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, aws-chunked with CRC32 trailers):
 *   400 InvalidArgument. The proxy takes auth over, so it keeps that refusal.
 *
 * Why a child process: s3rver's ListObjectsV2 continuation tokens use DES, which
 * OpenSSL 3 has only in its legacy provider (without `--openssl-legacy-provider`
 * every truncated listing is a 500); and the memory and CPU figures taken in the
 * test's process must be the client's, not the server's (the proxy alone turns every
 * byte it relays into garbage of its own).
 *
 * Bodies stream through the proxy (never buffered). It counts requests by method
 * and can fail every write with 503 (`failWrites`); the parent and the child talk
 * over stdio, one line per message.
 */
import { spawn } from "node:child_process";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { pipeline } from "node:stream/promises";
import { fileURLToPath, pathToFileURL } from "node:url";

export interface TestS3Server {
  /** The proxy's URL (what clients use), e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** s3rver's data directory (removed by stop). */
  dir: string;
  /** The child's process id (benchmarks read its CPU time). */
  pid: number;
  /** Requests the proxy received, by method (`GET`, `PUT`, ...); updated as they arrive (see `sync`). */
  requests: Record<string, number>;
  /** The part of `requests` sent through the AWS SDK (its user agent), by method. */
  sdkRequests: Record<string, number>;
  /** Resolves once `requests` counts every request the proxy received before this call. */
  sync(): Promise<void>;
  /** While on, every PUT and POST is answered 503 SlowDown without reaching s3rver. Resolves once in effect. */
  failWrites(on: boolean): Promise<void>;
  stop(): Promise<void>;
}

const STARTUP_MS = 20_000;
const SHUTDOWN_MS = 5_000;
const THIS_FILE = fileURLToPath(import.meta.url);
const TSX = pathToFileURL(join(THIS_FILE, "../../../node_modules/tsx/dist/loader.mjs")).href;

export async function startS3Server(): Promise<TestS3Server> {
  const dir = await mkdtemp(join(tmpdir(), "rigup-s3rver-"));
  const bucket = "rigup-test";
  const region = "us-east-1";
  const accessKeyId = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
  const secretAccessKey = randomBytes(30).toString("base64");
  const child = spawn(process.execPath, ["--openssl-legacy-provider", "--import", TSX, THIS_FILE, "--serve"], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  // Settings on stdin, not argv: argv shows in `ps`, a habit worth keeping even for a test key.
  child.stdin.write(`${JSON.stringify({ dir, bucket, accessKeyId, secretAccessKey })}\n`);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)));
  const exited = once(child, "exit");
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill("SIGKILL"), SHUTDOWN_MS);
        await exited;
        clearTimeout(timer);
      }
      await rm(dir, { recursive: true, force: true });
    })());

  const requests: Record<string, number> = {};
  const sdkRequests: Record<string, number> = {};
  // Commands are acknowledged in order, after every count the child sent before them.
  const acks: (() => void)[] = [];
  let port: number;
  try {
    port = await new Promise<number>((resolvePort, reject) => {
      const timer = setTimeout(() => reject(new Error(`the test S3 server did not start within ${STARTUP_MS} ms: ${stderr}`)), STARTUP_MS);
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the test S3 server exited (${code}) before listening: ${stderr}`));
        // Nobody waits forever on a dead child.
        for (const ack of acks.splice(0)) ack();
      });
      child.on("error", reject);
      let pending = "";
      child.stdout.setEncoding("utf8");
      child.stdout.on("data", (chunk: string) => {
        pending += chunk;
        let newline: number;
        while ((newline = pending.indexOf("\n")) >= 0) {
          const line = pending.slice(0, newline);
          pending = pending.slice(newline + 1);
          if (line.startsWith("req ")) {
            const [method = "", via] = line.slice(4).split(" ");
            requests[method] = (requests[method] ?? 0) + 1;
            if (via === "sdk") sdkRequests[method] = (sdkRequests[method] ?? 0) + 1;
          } else if (line === "ack") {
            acks.shift()?.();
          } else if (line.startsWith("{")) {
            clearTimeout(timer);
            resolvePort((JSON.parse(line) as { port: number }).port);
          }
        }
      });
    });
  } catch (err) {
    await stop();
    throw err;
  }
  const command = (line: string): Promise<void> =>
    new Promise<void>((resolveAck) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolveAck();
      acks.push(resolveAck);
      child.stdin.write(`${line}\n`);
    });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    dir,
    pid: child.pid!,
    requests,
    sdkRequests,
    sync: () => command("sync"),
    failWrites: (on) => command(`fail-writes ${on ? 1 : 0}`),
    stop,
  };
}

/** The child: s3rver and the proxy, until stdin ends (the parent stopped or died). Commands come as stdin lines. */
async function serve(
  settings: { dir: string; bucket: string; accessKeyId: string; secretAccessKey: string },
  commands: Interface,
): Promise<void> {
  const { dir, bucket, accessKeyId, secretAccessKey } = settings;
  const S3rver = createRequire(import.meta.url)("s3rver") as new (options: object) => {
    run(): Promise<AddressInfo>;
    close(): Promise<void>;
  };
  const backend = new S3rver({
    address: "127.0.0.1",
    port: 0,
    silent: true,
    directory: dir,
    vhostBuckets: false,
    configureBuckets: [{ name: bucket }],
  });
  const backendPort = (await backend.run()).port;
  let failingWrites = false;

  const upstream = new Agent({ keepAlive: true, maxSockets: 64 });
  // Conditional writes wait for the previous one on the same key: check-then-write is atomic.
  const keyLocks = new Map<string, Promise<void>>();

  const forward = (req: IncomingMessage, res: ServerResponse): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const { authorization: _auth, expect: _expect, ...headers } = req.headers;
      const out = httpRequest(
        { host: "127.0.0.1", port: backendPort, method: req.method, path: req.url, headers, agent: upstream },
        (back) => {
          res.writeHead(back.statusCode ?? 502, back.headers);
          pipeline(back, res).then(resolve, reject);
        },
      );
      out.on("error", reject);
      pipeline(req, out).catch(reject);
    });

  const objectExists = (path: string): Promise<boolean> =>
    new Promise((resolve, reject) => {
      const head = httpRequest({ host: "127.0.0.1", port: backendPort, method: "HEAD", path, agent: upstream }, (back) => {
        back.resume();
        if (back.statusCode === 200) resolve(true);
        else if (back.statusCode === 404) resolve(false);
        else reject(new Error(`s3rver answered ${back.statusCode} to HEAD ${path}`));
      });
      head.on("error", reject);
      head.end();
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const method = req.method ?? "GET";
    process.stdout.write(`req ${method}${/aws-sdk-js/.test(String(req.headers["user-agent"])) ? " sdk" : ""}\n`);
    const denied = checkSignature(req, accessKeyId, secretAccessKey);
    if (denied) return answer(req, res, 403, denied);
    const payload = String(req.headers["x-amz-content-sha256"] ?? "");
    if (payload !== "UNSIGNED-PAYLOAD" && !/^[0-9a-f]{64}$/.test(payload)) {
      return answer(req, res, 400, {
        Code: "InvalidArgument",
        Message: `x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a sha256 value (got ${payload || "nothing"}); chunked payloads are not supported`,
      });
    }
    if (failingWrites && (method === "PUT" || method === "POST")) {
      return answer(req, res, 503, { Code: "SlowDown", Message: "Please reduce your request rate." });
    }
    const [path = "/", query = ""] = (req.url ?? "/").split("?", 2);
    const params = new URLSearchParams(query);
    const conditional =
      req.headers["if-none-match"] === "*" &&
      ((method === "PUT" && !params.has("uploadId") && !req.headers["x-amz-copy-source"]) || (method === "POST" && params.has("uploadId")));
    if (!conditional) return forward(req, res);

    const previous = keyLocks.get(path) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const chained = previous.then(() => mine);
    keyLocks.set(path, chained);
    await previous;
    try {
      if (await objectExists(path)) {
        return await answer(req, res, 412, {
          Code: "PreconditionFailed",
          Message: "At least one of the pre-conditions you specified did not hold",
          Condition: "If-None-Match",
        });
      }
      await forward(req, res);
    } finally {
      release();
      if (keyLocks.get(path) === chained) keyLocks.delete(path);
    }
  };

  const proxy = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(502).end();
      else res.destroy();
    });
  });
  proxy.listen(0, "127.0.0.1");
  await once(proxy, "listening");
  process.stdout.write(`${JSON.stringify({ port: (proxy.address() as AddressInfo).port })}\n`);

  commands.on("line", (line) => {
    if (line.startsWith("fail-writes ")) failingWrites = line.endsWith(" 1");
    process.stdout.write("ack\n");
  });
  commands.on("close", () => {
    proxy.closeAllConnections();
    proxy.close();
    upstream.destroy();
    setTimeout(() => process.exit(0), SHUTDOWN_MS / 2).unref();
    backend.close().finally(() => process.exit(0));
  });
}

/** Answers with an S3 XML error once the request body is drained (so the connection stays usable). */
async function answer(req: IncomingMessage, res: ServerResponse, status: number, error: Record<string, string>): Promise<void> {
  req.resume();
  if (!req.complete) await once(req, "end");
  const fields = Object.entries(error)
    .map(([k, v]) => `<${k}>${escapeXml(v)}</${k}>`)
    .join("");
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}<RequestId>proxy</RequestId></Error>`;
  res.writeHead(status, { "Content-Type": "application/xml", "Content-Length": Buffer.byteLength(body) });
  res.end(req.method === "HEAD" ? undefined : body);
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const AUTH =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/**
 * Verifies a header-signed SigV4 request the way S3 does (payload hash taken from
 * x-amz-content-sha256, not recomputed). Returns the S3 error to answer, or undefined.
 */
function checkSignature(req: IncomingMessage, accessKeyId: string, secret: string): Record<string, string> | undefined {
  const m = AUTH.exec(String(req.headers.authorization ?? ""));
  if (!m) return { Code: "AccessDenied", Message: "Access Denied (this test server takes header-signed SigV4 requests only)" };
  const [, keyId, date, region, service, signedHeaders, signature] = m as unknown as string[];
  if (keyId !== accessKeyId) {
    return {
      Code: "InvalidAccessKeyId",
      Message: "The AWS Access Key Id you provided does not exist in our records.",
      AWSAccessKeyId: keyId!,
    };
  }
  const [path = "/", query = ""] = (req.url ?? "/").split("?", 2);
  const canonicalQuery = query
    .split("&")
    .filter((p) => p !== "")
    .map((p) => {
      const eq = p.indexOf("=");
      const [k, v] = eq < 0 ? [p, ""] : [p.slice(0, eq), p.slice(eq + 1)];
      return [uriEscape(decodeURIComponent(k)), uriEscape(decodeURIComponent(v))] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join("&");
  const names = signedHeaders!.split(";");
  const headerLines = names.map((n) => {
    const v = req.headers[n];
    return `${n}:${(Array.isArray(v) ? v.join(",") : (v ?? "")).trim().replace(/\s+/g, " ")}`;
  });
  const canonicalRequest = [
    req.method,
    path,
    canonicalQuery,
    ...headerLines,
    "",
    signedHeaders,
    String(req.headers["x-amz-content-sha256"] ?? ""),
  ].join("\n");
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    String(req.headers["x-amz-date"] ?? ""),
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key: Buffer = createHmac("sha256", `AWS4${secret}`).update(date!).digest();
  for (const part of [region!, service!, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const expected = createHmac("sha256", key).update(stringToSign).digest();
  if (timingSafeEqual(expected, Buffer.from(signature!, "hex"))) return undefined;
  return {
    Code: "SignatureDoesNotMatch",
    Message: "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
    AWSAccessKeyId: keyId!,
    StringToSign: stringToSign,
    CanonicalRequest: canonicalRequest,
  };
}

/** RFC 3986 encoding as SigV4 canonicalisation wants it. */
function uriEscape(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// Last in the file: everything above is initialised before the child serves.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === THIS_FILE && process.argv[2] === "--serve") {
  const commands = createInterface({ input: process.stdin });
  const [first] = await once(commands, "line");
  serve(JSON.parse(first as string) as Parameters<typeof serve>[0], commands).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
