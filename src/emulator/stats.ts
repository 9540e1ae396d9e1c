/**
 * Request and task counters, readable in-process (emulator.stats()) and on
 * GET /__emulator/stats. The per-second histogram and the sliding peak let
 * benchmarks check that a client never exceeded the request rate.
 */
import type { TaskKind } from "./wire.js";

export interface EmulatorStats {
  /** Requests per endpoint key, e.g. "POST /openapi/v1/rigging", "GET /openapi/v2/tasks/:id", "GET assets". */
  requests: Record<string, number>;
  tasksCreated: Record<TaskKind, number>;
  /** Tasks created per input digest (normalised request body): duplicates show up as counts > 1. */
  tasksByInput: Record<string, number>;
  /** API requests (not assets, not admin) per wall-clock second: [unix second, count], ascending. */
  requestsPerSecond: [number, number][];
  /** Most API requests seen within any sliding 1 s window. */
  peakRequestsPerSecond: number;
  /** Faults injected, by kind ("429", "500", "lost-answer", "drop-stream", "expired-url", "slow-download", "rate-limit", "queue-full"). */
  faults: Record<string, number>;
}

export class StatsRecorder {
  private requests: Record<string, number> = {};
  private tasksCreated: Record<TaskKind, number> = { rig: 0, animation: 0 };
  private tasksByInput: Record<string, number> = {};
  private perSecond = new Map<number, number>();
  private window: number[] = [];
  private head = 0;
  private peak = 0;

  request(endpoint: string, api: boolean, wallMs = Date.now()): void {
    this.requests[endpoint] = (this.requests[endpoint] ?? 0) + 1;
    if (!api) return;
    const second = Math.floor(wallMs / 1000);
    this.perSecond.set(second, (this.perSecond.get(second) ?? 0) + 1);
    this.window.push(wallMs);
    while (this.window[this.head]! <= wallMs - 1000) this.head++;
    // Compact now and then so the window array does not grow without bound.
    if (this.head > 1024) {
      this.window = this.window.slice(this.head);
      this.head = 0;
    }
    this.peak = Math.max(this.peak, this.window.length - this.head);
  }

  taskCreated(kind: TaskKind, inputDigest: string): void {
    this.tasksCreated[kind]++;
    this.tasksByInput[inputDigest] = (this.tasksByInput[inputDigest] ?? 0) + 1;
  }

  snapshot(faults: Record<string, number>): EmulatorStats {
    return {
      requests: { ...this.requests },
      tasksCreated: { ...this.tasksCreated },
      tasksByInput: { ...this.tasksByInput },
      requestsPerSecond: [...this.perSecond.entries()].sort((a, b) => a[0] - b[0]),
      peakRequestsPerSecond: this.peak,
      faults: { ...faults },
    };
  }

  reset(): void {
    this.requests = {};
    this.tasksCreated = { rig: 0, animation: 0 };
    this.tasksByInput = {};
    this.perSecond.clear();
    this.window = [];
    this.head = 0;
    this.peak = 0;
  }
}
