/**
 * Runs in its own process so its peak RSS is its own: `upload <api-url> <key> <model.glb>`
 * (one createRig with the model as a data URI) or `download <url> <files> <dir>` (the
 * executor's download path, fetchAsset + writeAtomically, 10 at a time). Prints
 * {baselineMb, peakMb, bytes} as JSON: RSS before the work and the kernel's high-water mark (VmHWM).
 */
import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import PQueue from "p-queue";
import { writeAtomically } from "../../src/outputs/write-output.js";
import { MeshyClient } from "../../src/meshy/client.js";

const MB = 2 ** 20;
const [mode, url, arg, path] = process.argv.slice(2) as [string, string, string, string];

/** VmHWM: the process's peak RSS so far, from the kernel (no sampling gaps). */
function peakRss(): number {
  const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))![1]!;
  return Number(kb) * 1024;
}

const client = new MeshyClient({ baseUrl: url, apiKey: mode === "upload" ? arg : "msy_unused", requestsPerSecond: 1000 });
const baseline = process.memoryUsage().rss;
let bytes = 0;
if (mode === "upload") {
  await client.createRig({ source: { kind: "file", path, mime: "model/gltf-binary" }, heightMeters: 1.7 });
} else {
  const queue = new PQueue({ concurrency: 10 });
  await Promise.all(
    Array.from({ length: Number(arg) }, (_, i) =>
      queue.add(async () => {
        const target = join(path, `out-${i}.glb`);
        const { size } = await writeAtomically(path, target, await client.fetchAsset(`${url}/${i}.glb`), "glb");
        bytes += size;
        await rm(target); // only the memory is measured; keep the disk free
      }),
    ),
  );
}
await client.close();
console.log(JSON.stringify({ baselineMb: baseline / MB, peakMb: peakRss() / MB, bytes }));
