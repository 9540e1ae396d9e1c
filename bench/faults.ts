/**
 * Throughput under faults: the reference build (lib/scenario.ts) with 10% 429s,
 * 5% 5xx and 10% dropped streams, against the same build without faults.
 * bench/run.ts hands over the fault-free wall time of its scheduling run
 * (BENCH_FAULT_FREE_WALL_MS) so the 50 s build is not run twice; alone, this runs both.
 */
import { figure } from "./lib/report.js";
import { slotBreakdown } from "./lib/build.js";
import { durationOf, lowerBoundMs, runScenario } from "./lib/scenario.js";

const FAULTS = { rate429: 0.1, rate5xx: 0.05, dropStream: 0.1 };

const given = Number(process.env.BENCH_FAULT_FREE_WALL_MS);
const faultFree = given > 0 ? given : (await runScenario()).run.wallMs;
const { run, stats } = await runScenario(FAULTS);

figure("faults.wall-over-fault-free", run.wallMs / faultFree);
figure("faults.wall-over-lower-bound", run.wallMs / lowerBoundMs());
const duplicates = Object.values(stats.tasksByInput).reduce((n, count) => n + count - 1, 0);
figure("faults.duplicate-tasks", duplicates, { digits: 0, target: "= 0" });
figure("faults.tasks-created", stats.tasksCreated.rig + stats.tasksCreated.animation, { digits: 0 });
// Creates are serialized: a POST's retry sleep (Retry-After: 1 s on 429) or reconcile stalls every create behind it.
const b = slotBreakdown(run, durationOf);
figure("faults.create-chain-busy-share", (b.postMs * b.tasks) / run.wallMs, { digits: 2 });
figure("faults.intent-to-created-mean", b.postMs, { unit: "ms", digits: 0 });
figure("faults.slot-overrun-mean", b.overrunMs, { unit: "ms", digits: 0 });
for (const [kind, count] of Object.entries(stats.faults).sort()) figure(`faults.injected.${kind}`, count, { digits: 0 });
