/**
 * `rigup verify --store`: every output the lockfile records is in the team store
 * with its size; with `--hash`, its bytes are read back and hashed. Read-only.
 */
import { createHash } from "node:crypto";
import type { Lockfile } from "../lockfile/schema.js";
import { recordedFiles } from "../lockfile/units.js";
import { mapLimit } from "../async/map-limit.js";
import { STORE_CONCURRENCY } from "./object-store.js";
import type { ObjectStore } from "./object-store.js";
import { objectKey } from "./record.js";

export type StoredStatus = "ok" | "missing" | "wrong-size" | "corrupted";

export interface StoredCheck {
  path: string;
  unit: string;
  sha256: string;
  size: number;
  status: StoredStatus;
  /** wrong-size: the store's size; corrupted: the bytes' sha256. */
  actual?: number | string;
}

export async function verifyStore(
  lock: Lockfile,
  store: ObjectStore,
  { hash = false } = {},
): Promise<{ ok: boolean; files: StoredCheck[] }> {
  const files: StoredCheck[] = recordedFiles(lock).map(({ unit, file }) => ({
    path: file.path,
    unit,
    sha256: file.sha256,
    size: file.size,
    status: "ok",
  }));
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  await mapLimit(files, STORE_CONCURRENCY, async (f) => {
    const key = objectKey(f.sha256);
    const there = await store.head(key);
    if (!there) return void (f.status = "missing");
    if (there.size !== f.size) return void ((f.status = "wrong-size"), (f.actual = there.size));
    if (!hash) return;
    const got = await store.get(key);
    if (!got) return void (f.status = "missing");
    const h = createHash("sha256");
    for await (const chunk of got.body) h.update(chunk);
    const actual = h.digest("hex");
    if (actual !== f.sha256) Object.assign(f, { status: "corrupted", actual });
  });
  return { ok: files.every((f) => f.status === "ok"), files };
}
