/**
 * A local emulator of Meshy's Auto-Rigging & Animation API, v1 and v2 over one
 * store of tasks: a real HTTP server with the same endpoints, status codes,
 * bodies and headers, a configurable clock, limits and fault injection. Library
 * first; `rigup emulator` wraps it.
 *
 * @example
 * const emu = await startEmulator({ speed: "instant" });
 * // point a client at emu.url with key emu.apiKey ...
 * await emu.close();
 */
import type { AddressInfo } from "node:net";
import { AssetCache, UrlSigner } from "./assets.js";
import { Clock } from "./clock.js";
import { loadTasks, saveTasks } from "./persist.js";
import type { EmulatorParts } from "./context.js";
import { FaultInjector, type Faults, type FaultsPatch } from "./faults.js";
import { EmulatorOptionsSchema, taskDurations, type EmulatorOptions } from "./options.js";
import { RequestQuota } from "./request-quota.js";
import { createEmulatorServer } from "./server.js";
import { TaskStore } from "./state.js";
import { StatsRecorder, type EmulatorStats } from "./stats.js";

export { EmulatorOptionsSchema, SPEED_PRESETS, DEFAULT_API_KEY, type EmulatorOptions, type ResolvedOptions } from "./options.js";
export {
  FaultsSchema,
  FaultsPatchSchema,
  ScriptedFaultSchema,
  FAULT_KINDS,
  type Faults,
  type FaultsPatch,
  type FaultKind,
  type ScriptedFault,
} from "./faults.js";
export type { EmulatorStats } from "./stats.js";
export { ERRORS, type ErrorCode } from "./errors.js";
export { CATALOG } from "./library.js";

export interface Emulator {
  /** Base URL, e.g. http://127.0.0.1:43210 (what MESHY_API_BASE takes). */
  url: string;
  port: number;
  /** A key the emulator accepts. */
  apiKey: string;
  stats(): EmulatorStats;
  /** Moves the emulator clock forward (finishes tasks, expires tasks and URLs). Returns the new now (Unix ms). */
  advanceClock(ms: number): number;
  /** The emulator clock, Unix ms. */
  now(): number;
  /** Merges a partial fault configuration (validated); returns the full one. */
  setFaults(patch: FaultsPatch): Faults;
  /** Forgets tasks, counters and clock offset; faults go back to the start options. */
  reset(): void;
  /** Stops listening and destroys open connections (SSE streams, slow downloads). */
  close(): Promise<void>;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const o = EmulatorOptionsSchema.parse(options);
  const clock = new Clock(o.clockSkewMs);
  const durations = taskDurations(o);
  const parts: EmulatorParts = {
    options: o,
    clock,
    store: new TaskStore(clock, {
      concurrentTasks: o.concurrentTasks,
      credits: o.credits,
      durations,
      retention: { rig: o.rigRetentionMs, animation: o.animationRetentionMs },
    }),
    faults: new FaultInjector(o.faults, o.seed),
    stats: new StatsRecorder(),
    quota: new RequestQuota(o.rateLimit),
    signer: new UrlSigner(),
    cache: new AssetCache(),
    baseUrl: "",
  };
  if (o.stateFile !== undefined) {
    const file = o.stateFile;
    parts.store.restore(loadTasks(file));
    parts.store.onChange = () => saveTasks(file, parts.store.records());
  }
  const stats = () => parts.stats.snapshot(parts.faults.injected);
  const advanceClock = (ms: number) => clock.advance(ms);
  const setFaults = (patch: FaultsPatch) => parts.faults.update(patch);
  const reset = () => {
    parts.store.reset();
    parts.stats.reset();
    parts.quota.reset();
    parts.cache.clear();
    parts.faults.reset(o.faults);
    clock.reset();
  };
  const server = createEmulatorServer(parts, {
    stats,
    advanceClock,
    setFaults: (patch) => setFaults(patch as FaultsPatch),
    getFaults: () => parts.faults.current,
    reset,
    clockOffset: () => clock.offset,
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  parts.baseUrl = `http://${host}:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: parts.baseUrl,
    port,
    apiKey: o.apiKey,
    stats,
    advanceClock,
    now: () => clock.now(),
    setFaults,
    reset,
    // Idempotent: tests may close explicitly and again in teardown.
    close: () =>
      (closing ??= new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SSE streams and throttled downloads would keep close() waiting forever.
        server.closeAllConnections();
      })),
  };
}
