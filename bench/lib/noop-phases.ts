/**
 * Where a no-op `rigup build` spends its time, phase by phase, using the same
 * compiled modules as the CLI (dist/), in this process after a warm-up run.
 * Module loading is timed separately in a fresh `node` (see noop.ts).
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";
import { ROOT } from "./cli.js";
import { median } from "./report.js";

/** The modules a no-op build loads beyond `--help`. */
export const BUILD_MODULES = ["cli/main.js", "project.js", "build.js", "meshy/client.js", "report/plan-text.js", "report/ci.js"].map(
  (m) => pathToFileURL(join(ROOT, "dist", m)).href,
);

const dist = <T>(m: string): Promise<T> => import(pathToFileURL(join(ROOT, "dist", m)).href) as Promise<T>;

export async function noopPhases(dir: string, runs = 5): Promise<Record<string, number>> {
  const { resolveSettings } = await dist<typeof import("../../src/config/load.js")>("config/load.js");
  const { loadManifest } = await dist<typeof import("../../src/manifest/load.js")>("manifest/load.js");
  const { readLockfile } = await dist<typeof import("../../src/lockfile/read.js")>("lockfile/read.js");
  const { StatCache } = await dist<typeof import("../../src/scan/stat-cache.js")>("scan/stat-cache.js");
  const { gatherFacts } = await dist<typeof import("../../src/scan/facts.js")>("scan/facts.js");
  const { plan } = await dist<typeof import("../../src/plan/plan.js")>("plan/plan.js");
  const { removeStaleTempFiles } = await dist<typeof import("../../src/outputs/write-output.js")>("execute/download.js");

  const samples: Record<string, number[]> = {};
  for (let r = 0; r <= runs; r++) {
    let t = performance.now();
    const lap = (name: string) => {
      const now = performance.now();
      if (r > 0) (samples[name] ??= []).push(now - t); // run 0 warms up
      t = now;
    };
    const settings = await resolveSettings({ manifestFile: join(dir, "characters.yaml"), env: {}, cwd: dir });
    lap("config");
    const { resolved } = await loadManifest(settings.manifestFile);
    lap("manifest");
    const lock = await readLockfile(settings.lockfile);
    lap("lockfile-read");
    const statCache = await StatCache.load(settings.stateDir);
    lap("stat-cache-load");
    const facts = await gatherFacts({ manifest: resolved, manifestDir: dir, outDir: settings.outDir, lock, statCache, verify: false });
    lap("scan-outputs");
    plan({ manifest: resolved, lock, facts, now: Date.now() });
    lap("plan");
    await removeStaleTempFiles(settings.outDir);
    lap("temp-file-sweep");
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
}
