import { createHash } from "node:crypto";
import { defaultFs, type FsOptions } from "./fs-like.js";

// Big enough for sha256 to dominate; small because most outputs are small and a scan may hash thousands.
const CHUNK = 1 << 16;

/** sha256 (lowercase hex) of a file, read in 64 KiB chunks so large models never sit in memory whole. */
export async function hashFile(file: string, { fs = defaultFs }: FsOptions = {}): Promise<string> {
  const handle = await fs.open(file, "r");
  try {
    const hash = createHash("sha256");
    const buffer = Buffer.allocUnsafe(CHUNK); // every byte hashed is first overwritten by read
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, null);
      if (bytesRead === 0) break;
      hash.update(buffer.subarray(0, bytesRead));
    }
    return hash.digest("hex");
  } finally {
    await handle.close();
  }
}
