import { createHash, randomBytes } from "node:crypto";
import { open, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { base64Length, jsonBodyWithDataUris } from "../../src/meshy/data-uri-body.js";
import { json, makeClient, startServer } from "./helpers.js";

const GLB = "model/gltf-binary";
const CHUNK = 3 * 64 * 1024;

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "rigup-datauri-"));
  onTestFinished(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

describe("jsonBodyWithDataUris", () => {
  it.each([0, 1, 2, 3, 4, 5, CHUNK - 1, CHUNK, CHUNK + 1, CHUNK + 2, 2 * CHUNK + 4])(
    "a %i-byte file gives the exact JSON and its exact length",
    async (size) => {
      expect.assertions(3);
      const dir = await tempDir();
      const bytes = randomBytes(size);
      await writeFile(join(dir, "m.glb"), bytes);
      const body = await jsonBodyWithDataUris({
        model_url: { file: join(dir, "m.glb"), mime: GLB },
        height_meters: 1.75,
        input_task_id: undefined,
      });
      const out = await collect(body.open());
      expect(out.toString()).toBe(JSON.stringify({ model_url: `data:${GLB};base64,${bytes.toString("base64")}`, height_meters: 1.75 }));
      expect(body.length).toBe(out.length);
      // Opening again yields a fresh, identical stream (for a provably safe retry).
      expect((await collect(body.open())).equals(out)).toBe(true);
    },
  );

  it("computes base64 lengths with padding", () => {
    expect([0, 1, 2, 3, 4, 100].map(base64Length)).toEqual([0, 4, 4, 4, 8, 136]);
  });

  it("fails rather than send a file that changed size after it was measured", async () => {
    expect.assertions(1);
    const dir = await tempDir();
    await writeFile(join(dir, "m.glb"), randomBytes(10));
    const body = await jsonBodyWithDataUris({ model_url: { file: join(dir, "m.glb"), mime: GLB } });
    await writeFile(join(dir, "m.glb"), randomBytes(13));
    await expect(collect(body.open())).rejects.toThrow(/changed size/);
  });
});

describe("a rig from a local file", () => {
  it("sends a few-MB GLB as a data URI the server decodes to the same bytes, without chunked encoding", async () => {
    expect.assertions(4);
    const dir = await tempDir();
    const bytes = randomBytes(3 * 1024 * 1024 + 1);
    await writeFile(join(dir, "hero.glb"), bytes);
    const api = await startServer((_, res) => json(res, 202, { result: "rig-1" }));
    const { client } = makeClient(api.url);
    await client.createRig({ source: { kind: "file", path: join(dir, "hero.glb"), mime: GLB }, heightMeters: 1.7 });
    const hit = api.hits[0]!;
    const sent = JSON.parse(hit.body.toString()) as { model_url: string };
    const prefix = `data:${GLB};base64,`;
    expect(sent.model_url.startsWith(prefix)).toBe(true);
    expect(Buffer.from(sent.model_url.slice(prefix.length), "base64").equals(bytes)).toBe(true);
    expect(hit.headers["content-length"]).toBe(String(hit.body.length));
    expect(hit.headers["transfer-encoding"]).toBeUndefined();
  });

  it("streams a ~50 MB file without holding copies of it in memory", async () => {
    expect.assertions(2);
    const dir = await tempDir();
    const size = 50 * 1024 * 1024;
    const path = join(dir, "big.glb");
    const fileHash = createHash("sha256");
    const fh = await open(path, "w");
    for (let written = 0; written < size; written += 1024 * 1024) {
      const block = randomBytes(1024 * 1024);
      fileHash.update(block);
      await fh.write(block);
    }
    await fh.close();

    // A server that decodes as it reads: it must not be the one holding the file.
    const prefix = Buffer.from(`{"model_url":"data:${GLB};base64,`);
    let decodedHash = "";
    const server = createServer((req, res) => {
      const hash = createHash("sha256");
      let skip = prefix.length;
      let pending = "";
      let done = false; // past the closing quote: the rest is plain JSON
      req.on("data", (chunk: Buffer) => {
        if (done) return;
        pending += chunk.subarray(Math.min(skip, chunk.length)).toString("latin1");
        skip = Math.max(0, skip - chunk.length);
        const end = pending.indexOf('"');
        if (end >= 0) {
          pending = pending.slice(0, end);
          done = true;
        }
        const whole = pending.length - (pending.length % 4);
        hash.update(Buffer.from(pending.slice(0, whole), "base64"));
        pending = pending.slice(whole);
      });
      req.on("end", () => {
        decodedHash = hash.digest("hex");
        json(res, 202, { result: "rig-big" });
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    onTestFinished(() => new Promise<void>((r) => server.close(() => r())));
    const { client } = makeClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);

    const used = () => {
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const baseline = used();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, used())), 5);
    onTestFinished(() => clearInterval(sampler));
    await client.createRig({ source: { kind: "file", path, mime: GLB }, heightMeters: 1.7 });
    clearInterval(sampler);
    peak = Math.max(peak, used());

    const growthMb = (peak - baseline) / 1024 / 1024;
    console.log(`data-URI upload of 50 MB: heap+buffers grew by ${growthMb.toFixed(1)} MB at peak`);
    expect(decodedHash).toBe(fileHash.digest("hex"));
    // An in-memory body would hold the file, its base64 and the JSON string: > 3x the file.
    expect(growthMb).toBeLessThan(3 * 50);
  });
});
