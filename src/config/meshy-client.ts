/**
 * What every MeshyClient rigup makes for a project is told by the settings: the
 * API version, the request rate and the config's `timeouts`. Callers add only where
 * it goes (the API base or the emulator's URL), the key, and their own retry needs.
 * Types only: the HTTP stack still loads where the client is made.
 *
 * @example
 * const api = new MeshyClient(meshyClientOptions(settings, { apiBase, apiKey }));
 */
import type { MeshyClientOptions } from "../meshy/client.js";
import type { Settings } from "./load.js";

export function meshyClientOptions(
  settings: Pick<Settings, "apiVersion" | "requestsPerSecond" | "timeouts">,
  target: { apiBase: string; apiKey: string },
): MeshyClientOptions {
  const { connectMs, headersMs, bodyMs, streamIdleMs, taskMs } = settings.timeouts;
  return {
    baseUrl: target.apiBase,
    apiKey: target.apiKey,
    apiVersion: settings.apiVersion,
    requestsPerSecond: settings.requestsPerSecond,
    timeouts: { connectMs, headersMs, bodyMs, streamIdleMs },
    waitTimeoutMs: taskMs,
  };
}
