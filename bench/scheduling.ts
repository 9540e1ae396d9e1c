/**
 * Scheduling efficiency and request economy of one reference build (lib/scenario.ts).
 * Wall time over the lower bound; requests per task by endpoint as the emulator counted them.
 */
import { figure } from "./lib/report.js";
import { durationOf, lowerBoundMs, runScenario, SCENARIO } from "./lib/scenario.js";
import { slotBreakdown } from "./lib/build.js";

const { run, stats } = await runScenario();
const tasks = stats.tasksCreated.rig + stats.tasksCreated.animation;
const bound = lowerBoundMs();

figure("scheduling.wall-over-lower-bound", run.wallMs / bound, { target: "<= 1.10" });
figure("scheduling.wall", run.wallMs / 1000, { unit: "s", digits: 1 });
figure("scheduling.lower-bound", bound / 1000, { unit: "s", digits: 1 });
// Where the time went: the client's limiter, the POST step and what a slot holds beyond the task itself.
const b = slotBreakdown(run, durationOf);
figure("scheduling.client-limiter-requests", run.limiter.acquired, { digits: 0 });
figure("scheduling.client-limiter-min-seconds", run.limiter.acquired / SCENARIO.rateLimit, { unit: "s", digits: 1 });
figure("scheduling.client-limiter-wait-mean", run.limiter.waitedMs / run.limiter.acquired, { unit: "ms", digits: 0 });
figure("scheduling.intent-to-created-mean", b.postMs, { unit: "ms", digits: 0 });
figure("scheduling.slot-overrun-mean", b.overrunMs, { unit: "ms", digits: 0 });
figure("scheduling.download-tail", b.downloadTailMs / 1000, { unit: "s", digits: 1 });

const sum = (pred: (endpoint: string) => boolean) => Object.entries(stats.requests).reduce((n, [k, v]) => n + (pred(k) ? v : 0), 0);
const posts = sum((k) => k.startsWith("POST "));
const streams = sum((k) => k.endsWith("/stream"));
const gets = sum((k) => k.startsWith("GET ") && k.endsWith("/:id"));
const lists = sum((k) => /^GET \/openapi\/(v1\/(rigging|animations)|v2\/tasks)$/.test(k));
const assets = sum((k) => k === "GET assets");
const otherApi = sum((k) => k.startsWith("GET /openapi") || k.startsWith("DELETE ")) - streams - gets - lists;
figure("requests.tasks", tasks, { digits: 0 });
figure("requests.post-per-task", posts / tasks, { target: "= 1" });
figure("requests.non-post-api-per-task", (streams + gets + lists + otherApi) / tasks, { target: "< 2" });
figure("requests.stream-per-task", streams / tasks);
figure("requests.get-task-per-task", gets / tasks);
figure("requests.list-per-task", lists / tasks);
figure("requests.asset-per-task", assets / tasks);
figure("requests.peak-per-second", stats.peakRequestsPerSecond, { digits: 0, target: `<= ${SCENARIO.rateLimit}` });
figure("requests.max-in-calendar-second", Math.max(...stats.requestsPerSecond.map(([, n]) => n)), {
  digits: 0,
  target: `<= ${SCENARIO.rateLimit}`,
});
figure("requests.emulator-rate-limited", stats.faults["rate-limit"] ?? 0, { digits: 0, target: "= 0" });
