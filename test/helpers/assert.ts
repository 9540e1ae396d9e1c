/** Assertions shared by the build, fault and kill tests: the money-and-state invariants. */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { expect } from "vitest";
import type { EmulatorStats } from "../../src/emulator/index.js";
import type { Lockfile } from "../../src/lockfile/schema.js";

/** POSTs Meshy received (each may have created a paid task). */
export function posts(stats: EmulatorStats): number {
  return Object.entries(stats.requests)
    .filter(([endpoint]) => endpoint.startsWith("POST /openapi"))
    .reduce((n, [, count]) => n + count, 0);
}

/** Every file the lockfile records exists under <dir>/out with that size and sha256. */
export async function expectTreeMatchesLock(dir: string, lock: Lockfile, outDir = "out"): Promise<number> {
  let files = 0;
  for (const [name, c] of Object.entries(lock.characters)) {
    const entries = [c.rig, ...Object.values(c.animations)];
    for (const e of entries) {
      expect(e, `${name}: every unit has an entry`).toBeDefined();
      expect(e!.state, `${name}: ${JSON.stringify(e!.error)}`).toBe("succeeded");
      for (const rec of Object.values(e!.files)) {
        const bytes = await readFile(join(dir, outDir, rec.path));
        expect(bytes.length, rec.path).toBe(rec.size);
        expect(createHash("sha256").update(bytes).digest("hex"), rec.path).toBe(rec.sha256);
        files++;
      }
    }
  }
  return files;
}
