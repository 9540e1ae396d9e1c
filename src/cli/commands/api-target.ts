/** Where a command talks to Meshy: the configured API, or (`--emulator`) a built-in emulator started for this run. */
import type { Settings } from "../../config/load.js";

export interface ApiTarget {
  apiBase: string;
  apiKey?: string;
  /** Stops the emulator, if one was started. */
  close(): Promise<void>;
}

export async function apiTarget(settings: Settings, emulator: boolean | undefined): Promise<ApiTarget> {
  if (!emulator) return { apiBase: settings.apiBase, apiKey: settings.apiKey, close: async () => {} };
  const { startEmulator } = await import("../../emulator/index.js");
  const started = await startEmulator({ speed: "fast" });
  return { apiBase: started.url, apiKey: started.apiKey, close: () => started.close() };
}
