/**
 * Peak memory over baseline, each case in a child process (lib/memory-child.ts):
 * uploading a 100 MB source GLB as a data URI (createRig against the emulator),
 * and downloading 2 GB of GLBs 10 at a time through the executor's download path.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { once } from "node:events";
import { startEmulator } from "../src/emulator/index.js";
import { buildHumanoid } from "../src/gltf/humanoid.js";
import { paddedGlb } from "./lib/glb.js";
import { removeDir, tempDir } from "./lib/project.js";
import { figure } from "./lib/report.js";

const MB = 2 ** 20;
const SOURCE_MB = 100;
const DOWNLOAD = { files: 20, fileMb: 100 }; // 2,000 MB, 10 at a time

/** Async: the servers the child talks to run in this process's event loop. */
const child = async (...args: string[]) => {
  const { stdout } = await promisify(execFile)(process.execPath, [
    "--import",
    "tsx",
    join(import.meta.dirname, "lib/memory-child.ts"),
    ...args,
  ]);
  return JSON.parse(stdout) as { baselineMb: number; peakMb: number; bytes: number };
};

const dir = await tempDir("memory");
const glb = Buffer.from(await buildHumanoid({ heightMeters: 1.7, seed: "memory", skinned: false }));
try {
  const source = paddedGlb(glb, SOURCE_MB * MB - glb.length);
  await writeFile(join(dir, "big.glb"), source.parts());
  const emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  try {
    const up = await child("upload", emulator.url, emulator.apiKey, join(dir, "big.glb"));
    figure("memory.upload-100MB.peak-over-baseline", up.peakMb - up.baselineMb, { unit: "MB", digits: 0, target: `< ${1.5 * SOURCE_MB}` });
    figure("memory.upload-100MB.peak-over-baseline-per-source-byte", (up.peakMb - up.baselineMb) / (source.length / MB), {
      target: "< 1.5",
    });
  } finally {
    await emulator.close();
  }

  // A bare asset host: only the client side is measured here, so no emulator in the way.
  const big = paddedGlb(glb, DOWNLOAD.fileMb * MB - glb.length);
  const server = createServer(async (_req, res) => {
    res.writeHead(200, { "Content-Type": "model/gltf-binary", "Content-Length": String(big.length) });
    for (const part of big.parts()) if (!res.write(part)) await once(res, "drain");
    res.end();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/assets`;
    const down = await child("download", url, String(DOWNLOAD.files), dir);
    figure("memory.download-2GB.peak-over-baseline", down.peakMb - down.baselineMb, { unit: "MB", digits: 0, target: "< 200" });
    figure("memory.download-2GB.bytes-written", down.bytes / MB, { unit: "MB", digits: 0 });
  } finally {
    server.closeAllConnections();
    server.close();
  }
} finally {
  await removeDir(dir);
}
