/**
 * The team store over S3: pull throughput against a bare SDK baseline, and the
 * memory of a 1 GB upload. Runs against the test S3 server (s3rver behind its
 * proxy, in a child process: test/helpers/s3-server.ts), so the figures measure
 * this process, the client, over loopback.
 *
 * - store-upload: one 1 GB file through `S3ObjectStore.put({ file })` (multipart),
 *   RSS sampled every 50 ms; measured first, in a process that has done nothing else.
 * - store-restore: the same object back into an output folder as a pull restores it
 *   (`restoreOutput`: GET, hash check, atomic write with fsync), RSS sampled alike.
 * - store-pull: a game repo of 200 characters × 10 outputs (~256 KB each, pseudo-random,
 *   keyed by sha256 as rigup keys outputs) whose lockfile records them all, restored (a) by
 *   plain GetObject calls 16 at a time reading each body to the end, (b) by `rigup pull`
 *   (the built CLI, a process of its own: plan, restore, hash check, atomic write, lockfile),
 *   (b') through `S3ObjectStore.get` without the disk, (a') as (a) with each body streamed
 *   into a file (no hash, fsync, rename or lockfile), and (a'') as (a) in a fresh process, as
 *   the pull is. Median of 3 rounds (the order rotating) after a warm-up; ratios = (b)/(a),
 *   (b)/(a''), (b)/(a') and (b')/(a) in MB/s. After the rounds, what writing files of the same
 *   sizes costs the machine (`newFilesCost`): the part of a pull that moves most with it.
 */
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { once } from "node:events";
import { availableParallelism, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { cpSync, createWriteStream, readdirSync, readFileSync, statSync } from "node:fs";
import { spawnSync } from "node:child_process";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { openS3Store } from "../src/store/open.js";
import { loadManifest } from "../src/manifest/load.js";
import { buildHumanoid } from "../src/gltf/humanoid.js";
import { animationInputs, rigInputs } from "../src/plan/digest.js";
import { digestOf } from "../src/text/canonical-json.js";
import { animationOutputs, rigOutputs } from "../src/manifest/layout.js";
import { emptyLockfile } from "../src/lockfile/schema.js";
import { serializeLockfile } from "../src/lockfile/format.js";
import { objectKey } from "../src/store/record.js";
import { restoreOutput } from "../src/store/content.js";
import { mapLimit } from "../src/async/map-limit.js";
import { BIN, ensureDist } from "./lib/cli.js";
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

/**
 * The baseline: GetObject for every key with a bare client, `parallel` at a time,
 * each body read to the end and dropped. Returns the bytes read.
 */
export async function plainGetAll(client: S3Client, bucket: string, keys: readonly string[], parallel: number): Promise<number> {
  let bytes = 0;
  await mapLimit(keys, parallel, async (Key) => {
    const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
    for await (const chunk of out.Body as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
  });
  return bytes;
}

/**
 * `plainGetAll`'s GETs in a process of their own, as `rigup pull` runs: start, load the SDK, then
 * GET every key 16 at a time, reading each body to the end. What a fresh process adds to the same
 * requests (the SDK's code runs cold). Returns the bytes read.
 */
function plainGetFresh(endpoint: string, region: string, bucket: string, keysFile: string, parallel: number): number {
  const script = `
    import { readFileSync } from "node:fs";
    import { GetObjectCommand, S3Client } from "@aws-sdk/client-s3";
    import pMap from "p-map";
    const e = process.env;
    const client = new S3Client({ endpoint: e.BENCH_ENDPOINT, region: e.BENCH_REGION, forcePathStyle: true,
      requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED" });
    let bytes = 0;
    await pMap(JSON.parse(readFileSync(e.BENCH_KEYS, "utf8")), async (Key) => {
      const out = await client.send(new GetObjectCommand({ Bucket: e.BENCH_BUCKET, Key }));
      for await (const chunk of out.Body) bytes += chunk.byteLength;
    }, { concurrency: Number(e.BENCH_PARALLEL) });
    client.destroy();
    process.stdout.write(String(bytes));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
    // Bare imports resolve from the working folder: this package's node_modules.
    cwd: fileURLToPath(new URL("..", import.meta.url)),
    env: {
      ...process.env,
      BENCH_ENDPOINT: endpoint,
      BENCH_REGION: region,
      BENCH_BUCKET: bucket,
      BENCH_KEYS: keysFile,
      BENCH_PARALLEL: String(parallel),
    },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`the fresh-process GETs failed (${r.status}): ${r.stderr}`);
  return Number(r.stdout);
}

/** Where the bench writes the `i`th object under `dir`: 10 to a folder, as a character's outputs are; the folder made. */
async function fileFor(dir: string, i: number): Promise<string> {
  const folder = join(dir, `c${Math.floor(i / OUTPUTS)}`);
  await mkdir(folder, { recursive: true });
  return join(folder, `${i % OUTPUTS}.glb`);
}

/**
 * The baseline with a disk: as `plainGetAll`, each body streamed into a file of its own under
 * `dir` (a fresh folder per round, kept until the end, as the pull's clones are): what a script
 * that downloads the objects does, without rigup's hash check, fsync, atomic rename or lockfile.
 */
async function plainGetToDisk(client: S3Client, bucket: string, keys: readonly string[], parallel: number, dir: string): Promise<number> {
  let bytes = 0;
  await mapLimit(
    keys.map((Key, i) => ({ Key, i })),
    parallel,
    async ({ Key, i }) => {
      const file = await fileFor(dir, i);
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key }));
      await pipeline(out.Body as Readable, createWriteStream(file));
      bytes += out.ContentLength ?? 0;
    },
  );
  return bytes;
}

/**
 * A fresh clone of `repo` (manifest, lockfile, config, models; no outputs, no stat cache) in a
 * new folder. Not timed; every clone stays until the end, so no round writes its files where
 * the file system has just freed another round's (ext4 then searches longer for free inodes).
 */
function freshClone(repo: string, name: string): string {
  const clone = join(dirname(repo), name);
  cpSync(repo, clone, { recursive: true, filter: (src) => !/[\\/](out|\.rigup)$/.test(src) });
  return clone;
}

/** `rigup pull` in the game repo at `repo`, as a user runs it. Returns the bytes it restored. */
function pullAll(repo: string): number {
  const r = spawnSync(process.execPath, [BIN, "pull"], {
    cwd: repo,
    env: { ...process.env, CI: "true" },
    encoding: "utf8",
    maxBuffer: 64 * MB,
  });
  if (r.status !== 0) throw new Error(`rigup pull failed (${r.status}): ${r.stderr}`);
  const files = readdirSync(join(repo, "out"), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
  return files.reduce((sum, e) => sum + statSync(join(e.parentPath, e.name)).size, 0);
}

/** A game repo whose lockfile records `objects` as its characters' outputs, in order (10 per character). */
async function gameRepo(dir: string, objects: readonly { sha: string; size: number }[], storeYaml: string): Promise<string> {
  const repo = await mkdtemp(join(dir, "repo-"));
  const actions = [0, 1, 2, 3, 4];
  const names = Array.from({ length: CHARACTERS }, (_, i) => `c${String(i).padStart(3, "0")}`);
  const yaml = `version: 1\ndefaults:\n  formats: [glb]\n  merge: false\ncharacters:\n${names.map((n) => `  ${n}: { model: models/m.glb, actions: [${actions.join(", ")}] }\n`).join("")}`;
  await mkdir(join(repo, "models"));
  const model = Buffer.from(await buildHumanoid({ heightMeters: 1.7, seed: "bench", skinned: false }));
  await writeFile(join(repo, "models/m.glb"), model);
  await writeFile(join(repo, "characters.yaml"), yaml);
  await writeFile(join(repo, "rigup.config.yaml"), storeYaml);
  const { resolved } = await loadManifest(join(repo, "characters.yaml"));
  const facts = { inputs: { "models/m.glb": createHash("sha256").update(model).digest("hex") }, outputs: {} };
  const lock = emptyLockfile();
  let next = 0;
  const files = (outputs: { role: string; path: string }[]) =>
    Object.fromEntries(
      outputs.map((f) => [f.role, { path: f.path, size: objects[next]!.size, sha256: objects[next++]!.sha, stored: true as const }]),
    );
  for (const c of resolved.characters) {
    const rigIn = rigInputs(c, facts);
    const rigId = `rig-${c.name}`;
    const base = { state: "succeeded" as const, status: "SUCCEEDED" as const, intent_at: 1, created_at: 1, expires_at: 2 };
    const rig = { ...base, digest: digestOf(rigIn), inputs: rigIn, task_id: rigId, files: files(rigOutputs(c.name, ["glb"])) };
    const animations = Object.fromEntries(
      c.actions.map((a) => {
        const inputs = animationInputs(a);
        return [
          a.name,
          {
            ...base,
            digest: digestOf(inputs),
            inputs,
            task_id: `anim-${c.name}-${a.name}`,
            rig_task_id: rigId,
            files: files(animationOutputs(c.name, a, ["glb"])),
          },
        ];
      }),
    );
    lock.characters[c.name] = { rig, animations };
  }
  if (next !== objects.length) throw new Error(`the repo records ${next} outputs, not ${objects.length}`);
  await writeFile(join(repo, "characters.lock"), serializeLockfile(lock));
  return repo;
}

/** Through the store, each body read to the end and dropped: the store's cost without the disk's. */
async function storeDrainAll(store: ObjectStore, keys: readonly string[], parallel: number): Promise<number> {
  let bytes = 0;
  await mapLimit(keys, parallel, async (key) => {
    const got = await store.get(key);
    if (!got) throw new Error(`${key} is missing from the store`);
    for await (const chunk of got.body) bytes += chunk.byteLength;
  });
  return bytes;
}

/**
 * What writing the pull's files costs this machine now, without the network: a file of each size in
 * `sizes`, 10 to a folder under `dir`, 16 at a time, each written, fsynced and closed. Returns this
 * process's CPU-seconds (all its threads: the writes run in libuv's pool) and the wall time. On a VM
 * that hands freed memory back to its host, every new page of the page cache costs a fault on the
 * host side, so this moves from run to run with the machine, and the pull with it.
 */
async function newFilesCost(dir: string, sizes: readonly number[]): Promise<{ cpu: number; seconds: number }> {
  const bytes = pseudoRandom(1, Math.max(...sizes));
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  await mapLimit(
    sizes.map((size, i) => ({ size, i })),
    PARALLEL,
    async ({ size, i }) => {
      const handle = await open(await fileFor(dir, i), "wx");
      try {
        await handle.write(bytes, 0, size);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  );
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu0);
  return { cpu: (used.user + used.system) / 1e6, seconds };
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

/** Writes `mb` MiB of pseudo-random bytes that start like a GLB; returns their sha256. */
async function writeBigFile(path: string, mb: number): Promise<string> {
  const out = createWriteStream(path);
  const hash = createHash("sha256");
  for (let i = 0; i < mb; i++) {
    const chunk = pseudoRandom(i + 1, MB);
    if (i === 0) chunk.write("glTF", 0, "latin1");
    hash.update(chunk);
    if (!out.write(chunk)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return hash.digest("hex");
}

function throughput(name: string, objects: number, bytes: number, seconds: number): void {
  figure(name, `${objects} objects, ${(bytes / MB).toFixed(0)} MB, ${seconds.toFixed(2)} s, ${(bytes / MB / seconds).toFixed(1)} MB/s`);
}

/**
 * CPU seconds (user + system) of process `pid` and of its children it has waited for, from Linux's
 * /proc (clock ticks of 1/100 s); undefined elsewhere.
 */
function procCpu(pid: number | "self"): { own: number; children: number } | undefined {
  try {
    // Fields after the command name, which may hold spaces: state is the 3rd field, utime the 14th.
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ").map(Number);
    return { own: (f[11]! + f[12]!) / 100, children: (f[13]! + f[14]!) / 100 };
  } catch {
    return undefined;
  }
}

async function gets(server: TestS3Server): Promise<number> {
  await server.sync();
  return server.requests.GET ?? 0;
}

async function main(): Promise<void> {
  ensureDist();
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
    const bigSha = await writeBigFile(big, BIG_MB);
    const up = await peakRss(() => store.put(objectKey(bigSha), { file: big }));
    await rm(big);
    figure("store-upload.peak-rss", up.growthMb, {
      unit: `MB over baseline (${BIG_MB} MB file, sampled every ${RSS_SAMPLE_MS} ms)`,
      digits: 0,
    });
    figure("store-upload.throughput", BIG_MB / up.seconds, { unit: `MB/s (${up.seconds.toFixed(1)} s)`, digits: 1 });
    // Back through a restore (store GET, hash check, atomic write with fsync), as a pull restores it.
    const restored = join(dir, "restore-out");
    await mkdir(restored);
    const down = await peakRss(() =>
      restoreOutput(store, { sha256: bigSha, size: BIG_MB * MB }, restored, {
        abs: join(restored, "big.glb"),
        path: "big.glb",
        format: "glb",
      }),
    );
    await rm(restored, { recursive: true });
    figure("store-restore.peak-rss", down.growthMb, {
      unit: `MB over baseline (${BIG_MB} MB object restored into out/, sampled every ${RSS_SAMPLE_MS} ms)`,
      digits: 0,
    });
    figure("store-restore.throughput", BIG_MB / down.seconds, { unit: `MB/s (${down.seconds.toFixed(1)} s)`, digits: 1 });
    await store.delete(objectKey(bigSha));

    const objects: { sha: string; size: number }[] = [];
    let total = 0;
    const specs = Array.from({ length: CHARACTERS * OUTPUTS }, (_, i) => i);
    await mapLimit(specs, PARALLEL, async (i) => {
      // 192-320 KB: around 256 KB, not all alike; each starts as a GLB does (rigup checks the magic).
      const bytes = pseudoRandom(i + 7919, (OBJECT_KB - 64 + ((i * 37) % 129)) * 1024);
      bytes.write("glTF", 0, "latin1");
      const sha = createHash("sha256").update(bytes).digest("hex");
      await store.put(objectKey(sha), { bytes });
      objects[i] = { sha, size: bytes.length };
      total += bytes.length;
    });
    const keys = objects.map((o) => objectKey(o.sha)).sort();
    const repo = await gameRepo(
      dir,
      objects,
      `store:\n  url: s3://${server.bucket}\n  endpoint: ${server.endpoint}\n  forcePathStyle: true\n  region: ${server.region}\n`,
    );
    figure("store-pull.uploaded", `${keys.length} objects, ${(total / MB).toFixed(0)} MB`);

    const warmUp = keys.slice(0, 100);
    await plainGetAll(plain, server.bucket, warmUp, PARALLEL);
    await storeDrainAll(store, warmUp, PARALLEL);

    // Three ways, each round in a rotated order: s3rver's speed drifts over a run, and
    // the disk's writeback comes and goes; rotating keeps both out of the ratios.
    const keysFile = join(dir, "keys.json");
    await writeFile(keysFile, JSON.stringify(keys));
    let round = 0;
    const ways = {
      plain: () => plainGetAll(plain, server.bucket, keys, PARALLEL),
      "plain-fresh-process": async () => plainGetFresh(server.endpoint, server.region, server.bucket, keysFile, PARALLEL),
      "plain-to-disk": () => plainGetToDisk(plain, server.bucket, keys, PARALLEL, join(dir, `plain-${round}`)),
      pull: async () => pullAll(clone),
      "store-no-disk": () => storeDrainAll(store, keys, PARALLEL),
    };
    let clone = repo;
    const names = Object.keys(ways) as (keyof typeof ways)[];
    const seconds = new Map(names.map((n) => [n, [] as number[]]));
    // CPU seconds per way: the client's (this process, or the rigup pull it waited for) and the server's.
    const cpu = new Map(names.map((n) => [n, { client: [] as number[], server: [] as number[] }]));
    const getsPerObject = new Map<string, number>();
    for (; round < ROUNDS; round++) {
      for (let i = 0; i < names.length; i++) {
        const name = names[(round + i) % names.length]!;
        if (name === "pull") clone = freshClone(repo, `clone-${round}`);
        // Start every way with nothing left to write back: `plain-to-disk` leaves 500 MB dirty (it does not
        // fsync), and the kernel flushing it would slow whichever way runs next.
        spawnSync("sync");
        const before = await gets(server);
        const [self0, server0] = [procCpu("self"), procCpu(server.pid)];
        const started = performance.now();
        const bytes = await ways[name]();
        seconds.get(name)!.push((performance.now() - started) / 1000);
        const [self1, server1] = [procCpu("self"), procCpu(server.pid)];
        if (self0 && self1 && server0 && server1) {
          const client = name === "pull" || name === "plain-fresh-process" ? self1.children - self0.children : self1.own - self0.own;
          cpu.get(name)!.client.push(client);
          cpu.get(name)!.server.push(server1.own - server0.own);
        }
        getsPerObject.set(name, ((await gets(server)) - before) / keys.length);
        if (bytes !== total) throw new Error(`${name}: ${bytes} bytes, expected ${total}`);
      }
    }
    const med = (name: keyof typeof ways) => median(seconds.get(name)!);
    for (const name of names) throughput(`store-pull.${name}`, keys.length, total, med(name));
    figure("store-pull.ratio", med("plain") / med("pull"), {
      target: ">= 0.8 (rigup pull also plans, hashes, writes every byte to disk atomically and records it)",
    });
    figure("store-pull.ratio-fresh-process", med("plain-fresh-process") / med("pull"), {
      target: "against the same GETs from a process of their own, started as rigup pull is",
    });
    figure("store-pull.ratio-to-disk", med("plain-to-disk") / med("pull"), {
      target: "rigup's own cost over GETs that also write each object to a file",
    });
    figure("store-pull.ratio-no-disk", med("plain") / med("store-no-disk"), { target: "close to 1" });
    figure(
      "store-pull.rounds",
      names
        .map(
          (n) =>
            `${n} ${seconds
              .get(n)!
              .map((x) => x.toFixed(2))
              .join(" / ")} s`,
        )
        .join("; "),
    );
    if (cpu.get("pull")!.client.length > 0) {
      const shown = names.map((n) => `${n} ${median(cpu.get(n)!.client).toFixed(1)} + server ${median(cpu.get(n)!.server).toFixed(1)}`);
      figure("store-pull.cpu-seconds", `${shown.join("; ")} (client + S3 server, medians; ${availableParallelism()} cores)`);
    }
    // After the rounds, not among them: 2,000 more new files must not change what the ways measure.
    spawnSync("sync");
    const newFiles = await newFilesCost(
      join(dir, "new-files"),
      objects.map((o) => o.size),
    );
    figure("store-pull.new-files", newFiles.cpu, {
      unit: `CPU-seconds, ${newFiles.seconds.toFixed(2)} s`,
      target: `what writing and fsyncing ${keys.length} new files of the same sizes costs this machine, after the rounds`,
    });
    figure("store-pull.gets-per-object", names.map((n) => `${n} ${getsPerObject.get(n)!.toFixed(2)}`).join(", "));
  } finally {
    plain.destroy();
    await store.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

// Importable for its baseline (plainGetAll) without running.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
