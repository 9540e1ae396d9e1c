/**
 * The reference build of the scheduling, request and fault benchmarks:
 * 50 characters x 8 actions, rig 2 s, animation 1 s, 10 task slots, 20 req/s,
 * with an emulator account that can really run 10 tasks at once.
 */
import { startEmulator, type EmulatorStats, type FaultsPatch } from "../../src/emulator/index.js";
import { runBuild, type BuildRun } from "./build.js";
import { makeProject, removeDir } from "./project.js";

export const SCENARIO = { characters: 50, actions: 8, rigMs: 2000, animationMs: 1000, concurrency: 10, rateLimit: 20 } as const;

/** max(one rig + one animation, all task time spread over the slots). */
export function lowerBoundMs(): number {
  const { characters, actions, rigMs, animationMs, concurrency } = SCENARIO;
  return Math.max(rigMs + animationMs, (characters * (rigMs + actions * animationMs)) / concurrency);
}

export async function runScenario(faults: FaultsPatch = {}): Promise<{ run: BuildRun; stats: EmulatorStats }> {
  const s = SCENARIO;
  const emulator = await startEmulator({
    rigMs: s.rigMs,
    animationMs: s.animationMs,
    concurrentTasks: s.concurrency,
    queueLimit: s.concurrency,
    rateLimit: s.rateLimit,
    faults,
  });
  const dir = await makeProject("scenario", s.characters, s.actions);
  try {
    const run = await runBuild(dir, emulator, { concurrency: s.concurrency, requestsPerSecond: s.rateLimit });
    return { run, stats: emulator.stats() };
  } finally {
    await emulator.close();
    await removeDir(dir);
  }
}

/** Emulator-side duration of a unit by its key (`<character>/rig` or `<character>/<action>`). */
export function durationOf(key: string): number {
  return key.endsWith("/rig") ? SCENARIO.rigMs : SCENARIO.animationMs;
}
