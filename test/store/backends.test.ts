/**
 * One contract, two engines: the S3 store (the real SDK against s3rver behind the
 * test proxy, test/helpers/s3-server.ts) and the folder store (a real temp dir).
 * Then what only one of them has: credentials, endpoints, a missing folder.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, createWriteStream } from "node:fs";
import { chmod, mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { spawnSync } from "node:child_process";
import { once } from "node:events";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../../src/store/folder.js";
import { StoreError, type ObjectStore } from "../../src/store/object-store.js";
import { openS3Store } from "../../src/store/open.js";
import type { S3StoreOptions } from "../../src/store/s3.js";
import { startS3Server, type TestS3Server } from "../helpers/s3-server.js";
import { ROOT, TSX } from "../helpers/spawn.js";

const MB = 1024 * 1024;
/** The `nobody` user on Linux (the kernel's overflow id). */
const NOBODY = 65534;
const BIG_MB = 64;
/** RSS growth allowed while a 64 MB file uploads: well below the file (the S3 store keeps ~6 parts of 5 MB; 26-36 MB measured). */
const RSS_LIMIT_MB = 48;

let server: TestS3Server;
let scratch: string;
let bigFile: string;
let bigSha: string;
/** Larger than one multipart part (5 MB) of the S3 store. */
let midFile: string;
const savedEnv: Record<string, string | undefined> = {};
/** Variables the SDK's credential chain reads; the tests own them while they run. */
const AWS_ENV = [
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_REGION",
  "AWS_DEFAULT_REGION",
  "AWS_PROFILE",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
  "AWS_EC2_METADATA_DISABLED",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED",
];

beforeAll(async () => {
  for (const k of AWS_ENV) savedEnv[k] = process.env[k];
  server = await startS3Server();
  useCredentials(server.accessKeyId, server.secretAccessKey);
  scratch = await mkdtemp(join(tmpdir(), "rigup-store-test-"));
  bigFile = join(scratch, "big.bin");
  bigSha = await writeBigFile(bigFile, BIG_MB);
  midFile = join(scratch, "mid.bin");
  await writeBigFile(midFile, 10);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
  for (const k of AWS_ENV) {
    if (savedEnv[k] === undefined) delete process.env[k];
    else process.env[k] = savedEnv[k];
  }
});

/**
 * Credentials through the environment, the way a user gives them (the store never
 * takes them as arguments); none at all when both are undefined.
 */
function useCredentials(accessKeyId?: string, secretAccessKey?: string): void {
  for (const k of AWS_ENV) delete process.env[k];
  if (accessKeyId !== undefined) process.env.AWS_ACCESS_KEY_ID = accessKeyId;
  if (secretAccessKey !== undefined) process.env.AWS_SECRET_ACCESS_KEY = secretAccessKey;
  process.env.AWS_REGION = server.region;
  // Nothing on this machine may stand in for them: no profile files, no instance metadata.
  process.env.AWS_SHARED_CREDENTIALS_FILE = join(tmpdir(), "rigup-no-such-aws-credentials");
  process.env.AWS_CONFIG_FILE = join(tmpdir(), "rigup-no-such-aws-config");
  process.env.AWS_EC2_METADATA_DISABLED = "true";
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
}

let prefixes = 0;
function s3Options(extra: Partial<S3StoreOptions> = {}): S3StoreOptions {
  return { bucket: server.bucket, prefix: `t${++prefixes}`, endpoint: server.endpoint, forcePathStyle: true, ...extra };
}

async function writeBigFile(path: string, mb: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  for (let i = 0; i < mb; i++) {
    // Each MB differs, so a misordered or repeated part changes the hash.
    const chunk = Buffer.alloc(MB, createHash("sha256").update(`chunk ${i}`).digest());
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return hash.digest("hex");
}

async function readAll(store: ObjectStore, key: string): Promise<Buffer | undefined> {
  const got = await store.get(key);
  if (!got) return undefined;
  const parts: Buffer[] = [];
  for await (const chunk of got.body) parts.push(Buffer.from(chunk));
  const bytes = Buffer.concat(parts);
  expect(bytes.length, `${key}: size as announced`).toBe(got.size);
  return bytes;
}

async function shaOf(store: ObjectStore, key: string): Promise<string> {
  const got = await store.get(key);
  if (!got) throw new Error(`${key} missing`);
  const hash = createHash("sha256");
  for await (const chunk of got.body) hash.update(chunk);
  return hash.digest("hex");
}

async function keys(store: ObjectStore, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const o of store.list(prefix)) out.push(o.key);
  return out.sort();
}

/**
 * Peak RSS growth over the call, sampled every 20 ms right after a full GC. V8 frees
 * Buffer memory lazily (tens of MB of dead buffers can wait for a collection), so
 * without the GC the figure swings between 0 and 60 MB from run to run for the same
 * code; with it, it is what the store keeps alive. Holding the file whole would
 * still show as 64 MB and more.
 */
async function peakRssGrowthMb(fn: () => Promise<unknown>): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  gc();
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    gc();
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return (peak - base) / MB;
}

async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}

const backends: { name: string; open(): Promise<ObjectStore> }[] = [
  { name: "s3", open: () => openS3Store(s3Options()) },
  { name: "folder", open: async () => new FolderObjectStore(await mkdtemp(join(scratch, "folder-"))) },
];

describe.each(backends)("$name store: the contract", ({ name, open }) => {
  it("puts, heads, gets, lists and deletes", async () => {
    const store = await open();
    try {
      const a = Buffer.from("first object");
      expect(await store.put("units/rig/a.json", { bytes: a })).toBe(true);
      expect(await store.put("units/animation/b.json", { bytes: Buffer.from("bb") })).toBe(true);
      expect(await store.put("objects/sha256/ab/abc", { bytes: Buffer.alloc(0) })).toBe(true);

      expect(await store.head("units/rig/a.json")).toEqual({ key: "units/rig/a.json", size: a.length });
      expect(await readAll(store, "units/rig/a.json")).toEqual(a);
      expect(await store.head("objects/sha256/ab/abc")).toEqual({ key: "objects/sha256/ab/abc", size: 0 });
      expect(await readAll(store, "objects/sha256/ab/abc")).toEqual(Buffer.alloc(0));

      expect(await keys(store, "")).toEqual(["objects/sha256/ab/abc", "units/animation/b.json", "units/rig/a.json"]);
      expect(await keys(store, "units/")).toEqual(["units/animation/b.json", "units/rig/a.json"]);
      expect(await keys(store, "units/r")).toEqual(["units/rig/a.json"]);
      expect(await keys(store, "claims/")).toEqual([]);
      const listed: { key: string; size: number }[] = [];
      for await (const o of store.list("units/rig/")) listed.push(o);
      expect(listed).toEqual([{ key: "units/rig/a.json", size: a.length }]);

      // A plain put replaces.
      expect(await store.put("units/rig/a.json", { bytes: Buffer.from("second") })).toBe(true);
      expect((await readAll(store, "units/rig/a.json"))?.toString()).toBe("second");

      await store.delete("units/rig/a.json");
      expect(await store.head("units/rig/a.json")).toBeUndefined();
      expect(await store.get("units/rig/a.json")).toBeUndefined();
      await store.delete("units/rig/a.json"); // deleting nothing is fine
      expect(await keys(store, "units/")).toEqual(["units/animation/b.json"]);
    } finally {
      await store.close();
    }
  });

  it("answers undefined for a key it does not have", async () => {
    const store = await open();
    try {
      expect(await store.get("objects/sha256/00/missing")).toBeUndefined();
      expect(await store.head("objects/sha256/00/missing")).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it(`uploads a ${BIG_MB} MB file streamed, and reads it back streamed, both in bounded memory`, { timeout: 120_000 }, async () => {
    const store = await open();
    try {
      const growth = await peakRssGrowthMb(() => store.put("objects/big", { file: bigFile }));
      expect((await store.head("objects/big"))?.size).toBe(BIG_MB * MB);
      expect(growth, `${name}: RSS grew ${growth.toFixed(1)} MB uploading ${BIG_MB} MB`).toBeLessThan(RSS_LIMIT_MB);
      let sha: string | undefined;
      const readGrowth = await peakRssGrowthMb(async () => (sha = await shaOf(store, "objects/big")));
      expect(sha).toBe(bigSha);
      expect(readGrowth, `${name}: RSS grew ${readGrowth.toFixed(1)} MB reading ${BIG_MB} MB`).toBeLessThan(RSS_LIMIT_MB);
    } finally {
      await store.close();
    }
  });

  it("closing the store with a body nobody read returns at once", async () => {
    const store = await open();
    await store.put("objects/unread", { bytes: randomBytes(2 * MB) });
    const got = await store.get("objects/unread");
    expect(got?.size).toBe(2 * MB);
    // Before: the direct reads' pool waited for that response to finish, until the server's idle timeout.
    const closed = await Promise.race([store.close().then(() => "closed"), sleep(10_000).then(() => "still waiting")]);
    expect(closed).toBe("closed");
    // Given back, as every reader does: the folder store's file handle is closed now, not by the GC.
    await got!.body[Symbol.asyncIterator]().return?.();
  });

  it("ifAbsent: of two concurrent writers exactly one wins, and the object holds its bytes", async () => {
    const store = await open();
    try {
      const a = Buffer.from("writer a");
      const b = Buffer.from("writer b");
      const [wa, wb] = await Promise.all([
        store.put("claims/x.json", { bytes: a }, { ifAbsent: true }),
        store.put("claims/x.json", { bytes: b }, { ifAbsent: true }),
      ]);
      expect([wa, wb].filter(Boolean)).toHaveLength(1);
      expect(await readAll(store, "claims/x.json")).toEqual(wa ? a : b);
      expect(await store.put("claims/x.json", { bytes: b }, { ifAbsent: true })).toBe(false);
      expect(await readAll(store, "claims/x.json")).toEqual(wa ? a : b);
    } finally {
      await store.close();
    }
  });

  it("ifAbsent: 20 concurrent writers, 1 winner", async () => {
    const store = await open();
    try {
      const bodies = Array.from({ length: 20 }, (_, i) => Buffer.from(`writer ${i} ${randomBytes(4).toString("hex")}`));
      const won = await Promise.all(bodies.map((bytes) => store.put("claims/race.json", { bytes }, { ifAbsent: true })));
      expect(won.filter(Boolean)).toHaveLength(1);
      expect(await readAll(store, "claims/race.json")).toEqual(bodies[won.indexOf(true)]);
    } finally {
      await store.close();
    }
  });

  it("ifAbsent on a file larger than a part (multipart on S3) is refused when the key exists", { timeout: 60_000 }, async () => {
    const store = await open();
    try {
      expect(await store.put("objects/mid", { file: midFile }, { ifAbsent: true })).toBe(true);
      expect(await store.put("objects/mid", { file: bigFile }, { ifAbsent: true })).toBe(false);
      expect((await store.head("objects/mid"))?.size).toBe(10 * MB);
    } finally {
      await store.close();
    }
  });

  it("a body given up before its first chunk frees its connection (more than the 32 sockets)", { timeout: 20_000 }, async () => {
    const store = await open();
    try {
      await store.put("objects/small", { bytes: Buffer.alloc(64 * 1024, 3) });
      for (let i = 0; i < 40; i++) {
        const got = await store.get("objects/small");
        await got!.body[Symbol.asyncIterator]().return?.();
      }
      expect(await readAll(store, "objects/small")).toEqual(Buffer.alloc(64 * 1024, 3));
    } finally {
      await store.close();
    }
  });

  it("a missing source file is the caller's error (plain ENOENT), not the store's", async () => {
    const store = await open();
    try {
      const err = await caught(store.put("objects/x", { file: join(scratch, "no-such-file") }));
      expect(err).not.toBeInstanceOf(StoreError);
      expect(err).toMatchObject({ code: "ENOENT" });
    } finally {
      await store.close();
    }
  });

  it("refuses keys that are not plain relative paths", async () => {
    const store = await open();
    try {
      for (const key of ["../escape", "a/../../b", "/abs", "a//b", "a\\b", "", "a/./b", "a/.rigup-tmp-x"]) {
        const err = await caught(store.put(key, { bytes: Buffer.from("x") }));
        expect(err, key).toBeInstanceOf(Error);
        expect(err, key).not.toBeInstanceOf(StoreError);
        expect(String(err), key).toMatch(/invalid store key/);
      }
      await expect(store.get("../x")).rejects.toThrow(/invalid store key/);
    } finally {
      await store.close();
    }
  });
});

describe("s3 store", () => {
  it("lists past one page (1,000 keys) and keeps to its prefix", { timeout: 60_000 }, async () => {
    const store = await openS3Store(s3Options());
    const neighbour = await openS3Store(s3Options());
    try {
      const n = 1_003;
      const queue = Array.from({ length: n }, (_, i) => `objects/${String(i).padStart(4, "0")}`);
      await Promise.all(
        Array.from({ length: 16 }, async () => {
          for (let key = queue.pop(); key !== undefined; key = queue.pop()) await store.put(key, { bytes: Buffer.from(key) });
        }),
      );
      await neighbour.put("objects/other", { bytes: Buffer.from("x") });
      const listed = await keys(store, "objects/");
      expect(listed).toHaveLength(n);
      expect(new Set(listed).size).toBe(n);
      expect(await keys(neighbour, "")).toEqual(["objects/other"]);
    } finally {
      await store.close();
      await neighbour.close();
    }
  });

  it("wrong credentials: STORE_AUTH naming the store, never the secret or the key id", async () => {
    const wrongSecret = `wrong-${randomBytes(20).toString("hex")}`;
    const unknownKeyId = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
    const cases = [
      { keyId: server.accessKeyId, secret: wrongSecret },
      { keyId: unknownKeyId, secret: wrongSecret },
    ];
    try {
      for (const { keyId, secret } of cases) {
        useCredentials(keyId, secret);
        const store = await openS3Store(s3Options({ maxAttempts: 1 }));
        try {
          const errors = [
            await caught(store.get("units/a.json")),
            await caught(store.head("units/a.json")), // a bodiless 403: the store asks again with a GET
            await caught(store.put("units/a.json", { bytes: Buffer.from("x") })),
            await caught(store.delete("units/a.json")),
          ];
          for (const err of [...errors, await caught(keys(store, "units/"))]) {
            expect(err).toBeInstanceOf(StoreError);
            const e = err as StoreError;
            expect(e.code, e.message).toBe("STORE_AUTH");
            expect(e.message).toContain(store.label);
            expect(e.message).toContain(errors.includes(err) ? "units/a.json" : "units/");
            const everything = [e.message, e.stack ?? "", ...causeChain(e)].join("\n");
            expect(everything).not.toContain(secret);
            expect(everything).not.toContain(keyId);
            expect(everything).not.toContain(server.secretAccessKey);
            expect(e.cause).toBeUndefined();
          }
        } finally {
          await store.close();
        }
      }
    } finally {
      useCredentials(server.accessKeyId, server.secretAccessKey);
    }
  });

  it("no credentials anywhere: STORE_AUTH saying where they come from", async () => {
    try {
      useCredentials();
      const store = await openS3Store(s3Options({ maxAttempts: 1 }));
      try {
        const err = (await caught(store.head("units/a.json"))) as StoreError;
        expect(err).toBeInstanceOf(StoreError);
        expect(err.code).toBe("STORE_AUTH");
        expect(err.message).toContain(store.label);
        expect(err.message).toMatch(/AWS_ACCESS_KEY_ID|AWS_PROFILE/);
      } finally {
        await store.close();
      }
    } finally {
      useCredentials(server.accessKeyId, server.secretAccessKey);
    }
  });

  it("an endpoint nobody listens on: STORE_UNREACHABLE, quickly", async () => {
    const port = await closedPort();
    const store = await openS3Store(s3Options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }));
    try {
      const started = Date.now();
      const err = (await caught(store.get("units/a.json"))) as StoreError;
      expect(err).toBeInstanceOf(StoreError);
      expect(err.code).toBe("STORE_UNREACHABLE");
      expect(err.message).toContain(`at http://127.0.0.1:${port}`);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await store.close();
    }
  });

  it("a server refusing writes: STORE_FAILED naming the store", async () => {
    const store = await openS3Store(s3Options({ maxAttempts: 1 }));
    await server.failWrites(true);
    try {
      const err = (await caught(store.put("units/a.json", { bytes: Buffer.from("x") }))) as StoreError;
      expect(err).toBeInstanceOf(StoreError);
      expect(err.code).toBe("STORE_FAILED");
      expect(err.message).toContain(store.label);
      expect(err.message).toMatch(/SlowDown.*503/);
    } finally {
      await server.failWrites(false);
      await store.close();
    }
  });

  it("reads objects around the SDK's middleware, signed as the SDK signs; anything but a 200 (or a HEAD's 404) is asked again through the SDK", async () => {
    // Characters S3 escapes and encodeURIComponent does not: the direct GET must name the same object.
    const store = await openS3Store(s3Options({ prefix: `t${++prefixes} (team)!` }));
    try {
      const key = "objects/sha256/ab/it's (1)*!.bin";
      const bytes = randomBytes(300 * 1024);
      await store.put(key, { bytes });
      const counts = async () => {
        await server.sync();
        return { all: server.requests.GET ?? 0, sdk: server.sdkRequests.GET ?? 0 };
      };

      let before = await counts();
      expect(await readAll(store, key)).toEqual(bytes);
      expect(await readAll(store, key)).toEqual(bytes);
      let after = await counts();
      expect({ all: after.all - before.all, sdk: after.sdk - before.sdk }).toEqual({ all: 2, sdk: 0 });

      // A 404: the SDK is asked, and its answer (no such key) stands.
      before = after;
      expect(await store.get("objects/sha256/00/missing")).toBeUndefined();
      after = await counts();
      expect({ all: after.all - before.all, sdk: after.sdk - before.sdk }).toEqual({ all: 2, sdk: 1 });

      // An abort before the request: the caller's reason, and nothing asked of the SDK.
      before = after;
      const signal = AbortSignal.abort(new Error("stop here"));
      await expect(store.get(key, { signal })).rejects.toThrow("stop here");
      await expect(store.head(key, { signal })).rejects.toThrow("stop here");
      after = await counts();
      expect(after.sdk - before.sdk).toBe(0);

      // HEADs go the same way; a HEAD's 404 is all the SDK would get too, so it stands.
      const heads = async () => {
        await server.sync();
        return { all: server.requests.HEAD ?? 0, sdk: server.sdkRequests.HEAD ?? 0 };
      };
      const headsBefore = await heads();
      expect(await store.head(key)).toEqual({ key, size: bytes.length });
      expect(await store.head("objects/sha256/00/missing")).toBeUndefined();
      const headsAfter = await heads();
      expect({ all: headsAfter.all - headsBefore.all, sdk: headsAfter.sdk - headsBefore.sdk }).toEqual({ all: 2, sdk: 0 });
    } finally {
      await store.close();
    }
  });

  it("a body cut midway on the direct path: STORE_UNREACHABLE (which a restore tries again), no secret in it", async () => {
    // A server that answers 200 with a length, sends part of it, and hangs up.
    const cutter = createServer((socket) => {
      socket.once("data", () => {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: application/octet-stream\r\n\r\n");
        socket.end(Buffer.alloc(1000, 1));
      });
    });
    cutter.listen(0, "127.0.0.1");
    await once(cutter, "listening");
    const { port } = cutter.address() as { port: number };
    const store = await openS3Store(s3Options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }));
    try {
      const got = await store.get("objects/sha256/ab/abc");
      expect(got?.size).toBe(100_000);
      const err = (await caught(
        (async () => {
          for await (const _ of got!.body);
        })(),
      )) as StoreError;
      expect(err).toBeInstanceOf(StoreError);
      expect(err.code, err.message).toBe("STORE_UNREACHABLE");
      expect(err.message).toContain(store.label);
      expect([err.message, err.stack ?? ""].join("\n")).not.toContain(server.secretAccessKey);
    } finally {
      await store.close();
      cutter.close();
    }
  });

  it("a redirect elsewhere is not followed (the signed request goes only to the store's origin), and turns the direct reads off", async () => {
    let elsewhere = 0;
    const other = createServer((socket) => {
      elsewhere++;
      socket.destroy();
    });
    other.listen(0, "127.0.0.1");
    await once(other, "listening");
    const otherPort = (other.address() as { port: number }).port;
    const asked = { direct: 0, sdk: 0 };
    const redirector = createServer((socket) => {
      socket.on("data", (data: Buffer) => {
        for (const request of data
          .toString("latin1")
          .split(/\r\n\r\n/)
          .filter((r) => /^GET /.test(r))) {
          asked[/\r\nuser-agent: [^\r]*aws-sdk-js/i.test(request) ? "sdk" : "direct"]++;
          socket.write(
            `HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:${otherPort}/x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`,
          );
        }
        socket.end();
      });
    });
    redirector.listen(0, "127.0.0.1");
    await once(redirector, "listening");
    const { port } = redirector.address() as { port: number };
    const store = await openS3Store(s3Options({ endpoint: `http://127.0.0.1:${port}`, maxAttempts: 1 }));
    try {
      for (let i = 0; i < 3; i++) await caught(store.get(`objects/sha256/ab/abc${i}`));
      expect(elsewhere).toBe(0);
      // The first answer said the direct path is wrong here: the next two reads went to the SDK alone.
      expect(asked).toEqual({ direct: 1, sdk: 3 });
    } finally {
      await store.close();
      redirector.close();
      other.close();
    }
  });

  it("a bucket that does not exist: STORE_NOT_FOUND", async () => {
    const store = await openS3Store(s3Options({ bucket: "rigup-no-such-bucket", maxAttempts: 1 }));
    try {
      const err = (await caught(store.get("units/a.json"))) as StoreError;
      expect(err.code).toBe("STORE_NOT_FOUND");
      expect(err.message).toContain("s3://rigup-no-such-bucket/");
    } finally {
      await store.close();
    }
  });
});

describe("the test S3 server", () => {
  function client(secretAccessKey = server.secretAccessKey, checksums = false): S3Client {
    return new S3Client({
      endpoint: server.endpoint,
      region: server.region,
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: server.accessKeyId, secretAccessKey },
      ...(checksums ? {} : { requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" }),
      logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {} },
    });
  }

  it("checks signatures: a wrong secret gets SignatureDoesNotMatch", async () => {
    const c = client("not-the-secret");
    try {
      await expect(c.send(new GetObjectCommand({ Bucket: server.bucket, Key: "x" }))).rejects.toMatchObject({
        name: "SignatureDoesNotMatch",
      });
    } finally {
      c.destroy();
    }
  });

  it("takes a streamed PutObject, refuses the SDK's default aws-chunked checksums, and counts requests", async () => {
    const c = client();
    const defaults = client(undefined, true);
    try {
      await server.sync();
      const before = server.requests.PUT ?? 0;
      const body = Readable.from([Buffer.alloc(3 * MB, 7)]);
      await c.send(new PutObjectCommand({ Bucket: server.bucket, Key: "helper/streamed", Body: body, ContentLength: 3 * MB }));
      await c.send(new PutObjectCommand({ Bucket: server.bucket, Key: "helper/small", Body: Buffer.from("x") }));
      const back = await c.send(new GetObjectCommand({ Bucket: server.bucket, Key: "helper/streamed" }));
      expect(back.ContentLength).toBe(3 * MB);
      expect(Buffer.from(await back.Body!.transformToByteArray()).equals(Buffer.alloc(3 * MB, 7))).toBe(true);
      await expect(
        defaults.send(
          new PutObjectCommand({
            Bucket: server.bucket,
            Key: "helper/chunked",
            Body: Readable.from([Buffer.alloc(10, 1)]),
            ContentLength: 10,
          }),
        ),
      ).rejects.toMatchObject({ name: "InvalidArgument" });
      await server.sync();
      expect((server.requests.PUT ?? 0) - before).toBe(3);
      const page = await c.send(new ListObjectsV2Command({ Bucket: server.bucket, Prefix: "helper/", MaxKeys: 1 }));
      expect(page.IsTruncated).toBe(true); // s3rver's DES continuation token, with the legacy provider on
    } finally {
      c.destroy();
      defaults.destroy();
    }
  });
});

describe("folder store", () => {
  it("a missing root: STORE_NOT_FOUND asking to create it, and nothing is created", async () => {
    const root = join(scratch, "not-there");
    const store = new FolderObjectStore(root);
    for (const attempt of [
      () => store.head("a"),
      () => store.get("a"),
      () => store.put("units/a.json", { bytes: Buffer.from("x") }),
      () => keys(store, ""),
    ]) {
      const err = (await caught(attempt())) as StoreError;
      expect(err).toBeInstanceOf(StoreError);
      expect(err.code).toBe("STORE_NOT_FOUND");
      expect(err.message).toContain(root);
      expect(err.message).toMatch(/create it/);
    }
    await expect(stat(root)).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("leaves no temp files behind, lists none, and writes through link for ifAbsent", async () => {
    const root = await mkdtemp(join(scratch, "folder-"));
    const store = new FolderObjectStore(root);
    await store.put("claims/c.json", { bytes: Buffer.from("1") }, { ifAbsent: true });
    await store.put("claims/c.json", { bytes: Buffer.from("2") }, { ifAbsent: true });
    await store.put("claims/d.json", { bytes: Buffer.from("3") });
    expect((await readdir(join(root, "claims"))).sort()).toEqual(["c.json", "d.json"]);
    expect((await readAll(store, "claims/c.json"))?.toString()).toBe("1");
    expect(await keys(store, "")).toEqual(["claims/c.json", "claims/d.json"]);
  });

  it("a read-only store: STORE_DENIED", async (ctx) => {
    // As root the put runs as `nobody`, who must be able to read this checkout and reach the temp folder
    // (both are, unless they sit in a private home).
    if (process.getuid?.() === 0 && !nobodyReads(join(ROOT, "src/store/folder.ts"), fileURLToPath(TSX), dirname(scratch))) {
      ctx.skip("running as root, and `nobody` cannot read this checkout or reach the temp folder to run the store as a user");
    }
    const root = await mkdtemp(join(scratch, "folder-"));
    const store = new FolderObjectStore(root);
    await store.put("units/a.json", { bytes: Buffer.from("x") });
    await chmod(join(root, "units"), 0o555);
    try {
      const err =
        process.getuid?.() === 0 ? putAsNobody(root, "units/b.json") : await caught(store.put("units/b.json", { bytes: Buffer.from("y") }));
      expect(err).toMatchObject({ name: "StoreError", code: "STORE_DENIED" });
      expect((err as StoreError).message).toContain(root);
      expect(await readdir(join(root, "units"))).toEqual(["a.json"]);
    } finally {
      await chmod(join(root, "units"), 0o755);
    }
  });
});

/** Whether the user `nobody` can read every one of `paths` (and search it, for a folder). */
function nobodyReads(...paths: string[]): boolean {
  const probe = `const fs = require("node:fs");
    for (const p of process.argv.slice(1)) fs.accessSync(p, fs.statSync(p).isDirectory() ? fs.constants.X_OK : fs.constants.R_OK);`;
  return spawnSync(process.execPath, ["-e", probe, ...paths], { uid: NOBODY, gid: NOBODY, env: {}, timeout: 30_000 }).status === 0;
}

/**
 * Root ignores permission bits, and CI runs as root: there the put runs in a child process as
 * `nobody`, through the same source. Returns what it threw (name, code, message).
 */
function putAsNobody(root: string, key: string): unknown {
  const folder = pathToFileURL(join(ROOT, "src/store/folder.ts")).href;
  const script = `
    const { FolderObjectStore } = await import(${JSON.stringify(folder)});
    try {
      await new FolderObjectStore(process.env.STORE_ROOT).put(process.env.STORE_KEY, { bytes: Buffer.from("y") });
      process.stdout.write("null");
    } catch (err) {
      process.stdout.write(JSON.stringify({ name: err.name, code: err.code, message: err.message }));
    }`;
  // The folders on the way must let `nobody` in; the store's own folder stays read-only.
  for (const dir of [scratch, root]) chmodSync(dir, 0o755);
  const r = spawnSync(process.execPath, ["--import", TSX, "--input-type=module", "-e", script], {
    uid: NOBODY,
    gid: NOBODY,
    env: { PATH: process.env.PATH, STORE_ROOT: root, STORE_KEY: key },
    encoding: "utf8",
    timeout: 30_000,
  });
  if (r.status !== 0) throw new Error(`the put as nobody exited ${r.status}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

function causeChain(err: unknown): string[] {
  const out: string[] = [];
  let cause = (err as { cause?: unknown }).cause;
  for (let i = 0; i < 10 && cause !== undefined; i++) {
    out.push(String(cause), (cause as Error).stack ?? "", JSON.stringify(cause) ?? "");
    cause = (cause as { cause?: unknown }).cause;
  }
  return out;
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, "127.0.0.1");
  await once(probe, "listening");
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((r) => probe.close(() => r()));
  return port;
}
