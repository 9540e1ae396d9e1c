/**
 * The project's team store: opened only when one is configured (the AWS SDK loads
 * only then), and said where it is once.
 */
import type { Writable } from "node:stream";
import { UserError } from "../diagnostics/errors.js";
import type { Settings } from "../config/load.js";
import type { ObjectStore } from "../store/object-store.js";

/** The configured store, opened, and said where it is once on `stderr`; undefined without one. */
export async function openProjectStore(settings: Settings, stderr: Writable): Promise<ObjectStore | undefined> {
  if (!settings.store) return undefined;
  const { openStore } = await import("../store/open.js");
  let store: ObjectStore;
  try {
    store = await openStore(settings.store, settings.manifestDir);
  } catch (err) {
    if (!(err instanceof Error) || err.name === "StoreError") throw err;
    throw new UserError("STORE_INVALID", `invalid store ${settings.store.url}: ${err.message}`, {
      hint: "store: s3://bucket/prefix, file:///path or a folder path (--store, RIGUP_STORE or the config's store)",
    });
  }
  stderr.write(`Team store: ${store.label}\n`);
  return store;
}

/** `rigup pull` and `rigup push` need a store: UserError NO_STORE (exit 3) without one. */
export function requireStore(
  settings: Settings,
  command: string,
): asserts settings is Settings & { store: NonNullable<Settings["store"]> } {
  if (settings.store) return;
  throw new UserError("NO_STORE", `rigup ${command} needs a team store, and none is configured`, {
    hint: "set `store: s3://bucket/prefix` (or a shared folder) in rigup.config.yaml, or pass --store URL / set RIGUP_STORE",
  });
}
