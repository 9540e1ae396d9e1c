/**
 * The team store over S3: pull throughput against a bare SDK baseline, and the
 * memory of a 1 GB upload. Runs against the test S3 server (s3rver behind its
 * proxy, in a child process: test/helpers/s3-server.ts), so the figures measure
 * this process, the client, over loopback.
 *
 * - store-upload: one 1 GB file through `S3ObjectStore.put({ file })` (multipart),
 *   RSS sampled every 50 ms; measured first, in a process that has done nothing else.
 * - store-pull: 2,000 objects (200 characters × 10 outputs, ~256 KB each, pseudo-random,
 *   keyed by sha256 as rigup keys outputs), fetched 16 at a time (a) with plain
 *   GetObject calls reading each body to the end, (b) through `S3ObjectStore.get` streamed
 *   to files on disk, and (b') through `S3ObjectStore.get` without the disk. Median of 3
 *   rounds (the order rotating) after a warm-up; ratios = (b)/(a) and (b')/(a) in MB/s.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { pathToFileURL } from "node:url";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { openS3Store } from "../src/store/open.js";
import type { ObjectStore } from "../src/store/object-store.js";
import { startS3Server, type TestS3Server } from "../test/helpers/s3-server.js";
import { figure, median } from "./lib/report.js";

const MB = 1024 * 1024;
const CHARACTERS = 200;
const OUTPUTS = 10;
const OBJECT_KB = 256;
const PARALLEL = 16;
const ROUNDS = 3;
const BIG_MB = 1024;
const RSS_SAMPLE_MS = 50;

/** Runs `fn` over `items`, `parallel` at a time; rejects on the first failure once running calls end. */
export async function inPool<T>(items: readonly T[], parallel: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (next < items.length && failed === undefined) {
      const item = items[next++]!;
      try {
        await fn(item);
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, worker));
  if (failed !== undefined) throw failed;
}

/**
 * The baseline: GetObject for every key with a bare client, `parallel` at a time,
 * each body read to the end and dropped. Returns the bytes read.
 */
export async function plainGetAll(client: S3Client, bucket: string, keys: readonly string[], parallel: number): Promise<number> {
  let bytes = 0;
  await inPool(keys, parallel, async (Key) => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  });
  return bytes;
}

/** Through the store, each object streamed to its own file under `dir`. Returns the bytes written. */
async function storeGetAll(store: ObjectStore, keys: readonly string[], parallel: number, dir: string): Promise<number> {
  let bytes = 0;
  await inPool(keys, parallel, async (key) => {
    const got = await store.get(key);
    if (!got) throw new Error(`${key} is missing from the store`);
    await pipeline(got.body, createWriteStream(join(dir, key.slice(key.lastIndexOf("/") + 1))));
    bytes += got.size;
  });
  return bytes;
}

/** Through the store, each body read to the end and dropped: the store's cost without the disk's. */
async function storeDrainAll(store: ObjectStore, keys: readonly string[], parallel: number): Promise<number> {
  let bytes = 0;
  await inPool(keys, parallel, async (key) => {
    const got = await store.get(key);
    if (!got) throw new Error(`${key} is missing from the store`);
    for await (const chunk of got.body) bytes += chunk.byteLength;
  });
  return bytes;
}

/** Deterministic pseudo-random bytes (xorshift32), `size` of them, from `seed`. */
function pseudoRandom(seed: number, size: number): Buffer {
  const words = new Uint32Array(Math.ceil(size / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return Buffer.from(words.buffer, 0, size);
}

/** Peak RSS growth (MB) over `fn`, sampled every RSS_SAMPLE_MS, and its wall time. */
async function peakRss(fn: () => Promise<unknown>): Promise<{ growthMb: number; seconds: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  const started = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const seconds = (performance.now() - started) / 1000;
  return { growthMb: (Math.max(peak, process.memoryUsage.rss()) - base) / MB, seconds };
}

async function writeBigFile(path: string, mb: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < mb; i++) {
    if (!out.write(pseudoRandom(i + 1, MB))) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
}

function throughput(name: string, objects: number, bytes: number, seconds: number): void {
  figure(name, `${objects} objects, ${(bytes / MB).toFixed(0)} MB, ${seconds.toFixed(2)} s, ${(bytes / MB / seconds).toFixed(1)} MB/s`);
}

async function gets(server: TestS3Server): Promise<number> {
  await server.sync();
  return server.requests.GET ?? 0;
}

async function main(): Promise<void> {
  const server = await startS3Server();
  const dir = await mkdtemp(join(tmpdir(), "rigup-bench-store-pull-"));
  // The store takes credentials from the SDK's chain only: the environment, as a user would.
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: server.accessKeyId,
    AWS_SECRET_ACCESS_KEY: server.secretAccessKey,
    AWS_REGION: server.region,
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  });
  delete process.env.AWS_SESSION_TOKEN;
  delete process.env.AWS_PROFILE;
  const store = await openS3Store({ bucket: server.bucket, endpoint: server.endpoint, forcePathStyle: true });
  const plain = new S3Client({
    endpoint: server.endpoint,
    region: server.region,
    forcePathStyle: true,
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  try {
    const big = join(dir, "big.bin");
    await writeBigFile(big, BIG_MB);
    const up = await peakRss(() => store.put("objects/big", { file: big }));
    await rm(big);
    figure("store-upload.peak-rss", up.growthMb, { unit: `MB over baseline (${BIG_MB} MB file, sampled every ${RSS_SAMPLE_MS} ms)`, digits: 0 });
    figure("store-upload.throughput", BIG_MB / up.seconds, { unit: `MB/s (${up.seconds.toFixed(1)} s)`, digits: 1 });
    await store.delete("objects/big");

    const keys: string[] = [];
    let total = 0;
    const specs = Array.from({ length: CHARACTERS * OUTPUTS }, (_, i) => i);
    await inPool(specs, PARALLEL, async (i) => {
      // 192-320 KB: around 256 KB, not all alike.
      const bytes = pseudoRandom(i + 7919, (OBJECT_KB - 64 + ((i * 37) % 129)) * 1024);
      const sha = createHash("sha256").update(bytes).digest("hex");
      const key = `objects/sha256/${sha.slice(0, 2)}/${sha}`;
      await store.put(key, { bytes });
      keys.push(key);
      total += bytes.length;
    });
    keys.sort();
    figure("store-pull.uploaded", `${keys.length} objects, ${(total / MB).toFixed(0)} MB`);

    const warmUp = keys.slice(0, 100);
    await plainGetAll(plain, server.bucket, warmUp, PARALLEL);
    await storeGetAll(store, warmUp, PARALLEL, dir);

    // Three ways, each round in a rotated order: s3rver's speed drifts over a run, and
    // the disk's writeback comes and goes; rotating keeps both out of the ratios.
    const ways = {
      plain: () => plainGetAll(plain, server.bucket, keys, PARALLEL),
      store: async () => {
        const out = await mkdtemp(join(dir, "pull-"));
        try {
          return await storeGetAll(store, keys, PARALLEL, out);
        } finally {
          await rm(out, { recursive: true, force: true });
        }
      },
      "store-no-disk": () => storeDrainAll(store, keys, PARALLEL),
    };
    const names = Object.keys(ways) as (keyof typeof ways)[];
    const seconds = new Map(names.map((n) => [n, [] as number[]]));
    const getsPerObject = new Map<string, number>();
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        const before = await gets(server);
        const started = performance.now();
        const bytes = await ways[name]();
        seconds.get(name)!.push((performance.now() - started) / 1000);
        getsPerObject.set(name, ((await gets(server)) - before) / keys.length);
        if (bytes !== total) throw new Error(`${name}: ${bytes} bytes, expected ${total}`);
      }
    }
    const med = (name: keyof typeof ways) => median(seconds.get(name)!);
    for (const name of names) throughput(`store-pull.${name}`, keys.length, total, med(name));
    figure("store-pull.ratio", med("plain") / med("store"), { target: "close to 1; the store's copy also writes every byte to disk" });
    figure("store-pull.ratio-no-disk", med("plain") / med("store-no-disk"), { target: "close to 1" });
    figure("store-pull.rounds", names.map((n) => `${n} ${seconds.get(n)!.map((x) => x.toFixed(2)).join(" / ")} s`).join("; "));
    figure("store-pull.gets-per-object", names.map((n) => `${n} ${getsPerObject.get(n)!.toFixed(2)}`).join(", "));
  } finally {
    plain.destroy();
    await store.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Importable for its helpers (plainGetAll, inPool) without running.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
