/** Where a use case talks to Meshy: the configured API, or (`--emulator`) a built-in emulator started for this run. */
import path from "node:path";
import type { Writable } from "node:stream";
import { announceKeyDestination } from "../config/api-origin.js";
import type { Settings } from "../config/load.js";

export interface ApiTarget {
  apiBase: string;
  apiKey?: string;
  /** Stops the emulator, if one was started. */
  close(): Promise<void>;
}

/** Says on `stderr` where the user's key goes whenever that is not Meshy's own API (settings allow only the safe cases). */
export async function apiTarget(settings: Settings, emulator: boolean | undefined, stderr: Writable): Promise<ApiTarget> {
  if (!emulator) {
    if (settings.apiKey !== undefined) announceKeyDestination(stderr, settings.apiBase);
    return { apiBase: settings.apiBase, apiKey: settings.apiKey, close: async () => {} };
  }
  // The emulator gets its own key, never the user's.
  const { startEmulator } = await import("../emulator/index.js");
  // Its tasks live in the project's .rigup/, so ids in the lockfile stay valid from one --emulator run to the next.
  const started = await startEmulator({ speed: "fast", stateFile: path.join(settings.stateDir, "emulator", "tasks.json") });
  return { apiBase: started.url, apiKey: started.apiKey, close: () => started.close() };
}
