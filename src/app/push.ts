/**
 * `rigup push`: upload to the team store every recorded output it lacks, and
 * record each unit for the team. Holds the writer lock: it marks what it stored.
 */
import { hostname } from "node:os";
import type { Writable } from "node:stream";
import { pushOutputs, type PushResult } from "../execute/push-outputs.js";
import { withWriterLock } from "../lockfile/writer-lock.js";
import { openLockStore, openProject, planProject, type ProjectOptions } from "./project.js";
import { openProjectStore, requireStore } from "./team-store.js";

export interface PushReport extends PushResult {
  /** The store, as its label says where it is. */
  store: string;
}

export async function pushProject(opts: ProjectOptions, io: { stderr: Writable }): Promise<PushReport> {
  const project = await openProject(opts);
  const { settings } = project;
  requireStore(settings, "push");
  const store = (await openProjectStore(settings, io.stderr))!;
  try {
    return await withWriterLock(settings.lockfile, { command: "rigup push" }, async () => {
      const lock = await openLockStore(project);
      const { facts, statCache } = await planProject(project, { lock: lock.lock });
      const r = await pushOutputs({ lock, store, outDir: settings.outDir, facts, host: hostname(), now: Date.now, all: true });
      await statCache.save();
      return { ...r, store: store.label };
    });
  } finally {
    await store.close();
  }
}
