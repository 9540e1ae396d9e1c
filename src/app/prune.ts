/**
 * The plan's `prune` steps: delete outputs of characters and actions no longer in
 * the manifest, and retire their lock entries (their task ids stay, so adding one
 * back while its tasks live is a free re-download). `rigup prune` is a dry run
 * unless `apply`; applying holds the writer lock and plans again under it, so a
 * concurrent build never loses an entry; `rigup build` applies them the same way.
 * Deletes only inside the output directory and removes the folders it empties.
 */
import { rmdir, unlink } from "node:fs/promises";
import path from "node:path";
import { errorCode } from "../fs/fs-like.js";
import { LockStore } from "../lockfile/store.js";
import { deleteMerged, retireUnit, unitKey } from "../lockfile/units.js";
import { withWriterLock } from "../lockfile/writer-lock.js";
import { resolveInsideOut } from "../fs/inside-out.js";
import type { Plan, PlanStep } from "../plan/types.js";
import { openLockStore, openProject, planProject, type Project, type ProjectOptions } from "./project.js";

export interface PruneItem {
  key: string;
  reasons: string[];
  /** Out-relative paths to delete. */
  paths: string[];
  /** Paths refused because they would leave the output directory. */
  refused: string[];
  /** The lock entry this step forgets (stray files have none). */
  lockEntry: boolean;
}

export interface PruneResult {
  applied: boolean;
  items: PruneItem[];
  /** Out-relative paths deleted (applied) or that would be (dry run); missing files are skipped silently. */
  deleted: string[];
  /** Out-relative folders removed because pruning emptied them. */
  removedDirs: string[];
  /** Lock entries retired (or that would be): files gone, task ids kept. */
  lockEntries: string[];
}

export interface PruneOptions {
  apply: boolean;
  now?: number;
  command?: string;
}

/** `rigup prune [--apply]` on the project `opts` selects. */
export async function pruneProject(opts: ProjectOptions, o: { apply: boolean }): Promise<PruneResult> {
  return prune(await openProject(opts), o);
}

export async function prune(project: Project, opts: PruneOptions): Promise<PruneResult> {
  const { settings } = project;
  if (!opts.apply) {
    const { plan } = await planProject(project, { now: opts.now });
    const items = await pruneItems(plan, settings.outDir);
    return { applied: false, items, deleted: items.flatMap((i) => i.paths), removedDirs: [], lockEntries: lockKeys(items) };
  }
  return withWriterLock(settings.lockfile, { now: opts.now, command: opts.command ?? "rigup prune --apply" }, async () => {
    const store = await openLockStore(project);
    const { plan } = await planProject(project, { lock: store.lock, now: opts.now });
    return await applyPrune(plan, store, settings.outDir);
  });
}

/** Carries out the plan's prune steps (merged files' too). The caller holds the writer lock and `store`. */
export async function applyPrune(plan: Pick<Plan, "steps" | "merges">, store: LockStore, outDir: string): Promise<PruneResult> {
  const { steps } = plan;
  const items = await pruneItems(plan, outDir);
  const deleted: string[] = [];
  const parents = new Set<string>();
  for (const item of items) {
    for (const rel of item.paths) {
      if (await unlinkIfPresent(path.resolve(outDir, rel))) deleted.push(rel);
      parents.add(path.posix.dirname(rel));
    }
  }
  // Files first: a crash in between leaves an entry whose files are gone, which the next prune finishes.
  const units = steps.filter((s) => s.action === "prune" && isLockUnit(s));
  if (units.length > 0) await store.update((lock) => units.forEach((s) => retireUnit(lock, s.character, s.kind, s.name)));
  // A merged file is made again for free from recorded outputs: its line simply goes.
  const merged = plan.merges.filter((m) => m.action === "prune");
  if (merged.length > 0) await store.update((lock) => merged.forEach((m) => deleteMerged(lock, m.character)));
  const removedDirs = await removeEmptyDirs(outDir, parents);
  return { applied: true, items, deleted, removedDirs, lockEntries: lockKeys(items) };
}

/** A prune step that names a lock entry (not `<character>/stray`). */
function isLockUnit(s: PlanStep): boolean {
  return s.key === unitKey(s.character, s.kind, s.name);
}

function lockKeys(items: readonly PruneItem[]): string[] {
  return items.filter((i) => i.lockEntry).map((i) => i.key);
}

async function pruneItems(plan: Pick<Plan, "steps" | "merges">, outDir: string): Promise<PruneItem[]> {
  const items: PruneItem[] = [];
  const pruned = [
    ...plan.steps
      .filter((s) => s.action === "prune")
      .map((s) => ({ key: s.key, reasons: s.reasons, paths: s.paths ?? [], lockEntry: isLockUnit(s) })),
    ...plan.merges.filter((m) => m.action === "prune").map((m) => ({ key: m.key, reasons: m.reasons, paths: [m.path], lockEntry: true })),
  ];
  for (const s of pruned) {
    const item: PruneItem = { key: s.key, reasons: s.reasons, paths: [], refused: [], lockEntry: s.lockEntry };
    for (const rel of s.paths) ((await resolveInsideOut(outDir, rel)) ? item.paths : item.refused).push(rel);
    items.push(item);
  }
  return items;
}

async function unlinkIfPresent(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch (err) {
    if (errorCode(err) === "ENOENT") return false;
    throw err;
  }
}

/** Removes each folder and its ancestors (never `outDir` itself) that are empty, deepest first. */
async function removeEmptyDirs(outDir: string, dirs: Iterable<string>): Promise<string[]> {
  const all = new Set<string>();
  for (let dir of dirs) {
    for (; dir !== "." && dir !== "/" && !all.has(dir); dir = path.posix.dirname(dir)) all.add(dir);
  }
  const removed: string[] = [];
  for (const dir of [...all].sort((a, b) => b.split("/").length - a.split("/").length || (a < b ? -1 : 1))) {
    const abs = await resolveInsideOut(outDir, dir);
    if (abs && (await rmdirIfEmpty(abs))) removed.push(dir);
  }
  return removed;
}

async function rmdirIfEmpty(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch (err) {
    const code = errorCode(err);
    if (code === "ENOTEMPTY" || code === "EEXIST" || code === "ENOENT" || code === "ENOTDIR") return false;
    throw err;
  }
}
