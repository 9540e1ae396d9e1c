/**
 * `rigup pull`: restore every output the lockfile records from the team store.
 * Needs no Meshy key and spends nothing: only restores (and the merges they
 * feed) run; what would need Meshy is listed for `rigup build`, not done.
 */
import type { Writable } from "node:stream";
import type { RunSummary } from "../execute/events.js";
import { offlineApi } from "../meshy/offline.js";
import type { PlanStep } from "../plan/types.js";
import type { RunView } from "./build-project.js";
import type { ProjectOptions } from "./project.js";
import { openProjectStore, requireStore } from "./team-store.js";

export interface PullResult {
  /** The store, as its label says where it is. */
  store: string;
  summary: RunSummary;
  /** Steps the store could not serve as recorded: `rigup build` makes or fetches them. */
  left: PlanStep[];
}

export async function pullProject(
  opts: ProjectOptions,
  io: { stderr: Writable; view(outDir: string): Promise<RunView> },
): Promise<PullResult> {
  const [{ openProject }, { build }] = await Promise.all([import("./project.js"), import("./build.js")]);
  const project = await openProject(opts);
  requireStore(project.settings, "pull");
  const store = (await openProjectStore(project.settings, io.stderr))!;
  const view = await io.view(project.settings.outDir);
  try {
    const left: PlanStep[] = [];
    // Restores of copies the store turned out not to have (the lockfile marks them stored; see presumeStored).
    const lost = new Map<string, string>();
    const result = await build({
      project,
      api: offlineApi("`rigup pull` never calls Meshy"),
      policy: { frozen: true, interactive: false },
      filter: (s) => {
        if (s.action !== "restore" && s.action !== "noop" && s.action !== "prune") left.push(s);
        // Up-to-date units stay in: nothing runs for them, and the summary counts them.
        return s.action === "restore" || s.action === "noop";
      },
      keepMerge: () => true,
      store,
      presumeStored: true,
      command: "rigup pull",
      onPlan: (plan) => view.onPlan(plan),
      onEvent: (e) => {
        if (e.type === "unit:done" && e.code === "NOT_IN_STORE") lost.set(e.key, e.message ?? "not in the store");
        view.onEvent(e);
      },
    });
    await view.close();
    if (result.kind === "refused") throw new Error(`bug: pull refused: ${result.message}`);
    for (const s of result.plan.steps) if (lost.has(s.key)) left.push({ ...s, reasons: [lost.get(s.key)!] });
    return { store: store.label, summary: result.summary, left };
  } finally {
    await store.close();
  }
}
