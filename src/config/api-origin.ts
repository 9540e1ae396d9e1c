/**
 * Where the API key may be sent. A config file is usually committed with the
 * repository, so a cloned repository must not be able to point the key at a
 * host of its choosing: only the user (a flag or the environment) may name an
 * API other than Meshy's own, and only loopback (the emulator) may use plain http.
 */
import { isIPv4 } from "node:net";

export const MESHY_API_ORIGIN = "https://api.meshy.ai";

/** Who named the API base: the user (--api-base, MESHY_API_BASE) or a config file in the repository. */
export type ApiBaseSource = "user" | "config";

/** 127.0.0.0/8, ::1 or localhost: this machine, where the emulator runs. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname;
  return host === "localhost" || host === "[::1]" || (isIPv4(host) && host.startsWith("127."));
}

/** Why the key may not go to `apiBase` when `source` named it, or undefined when it may. */
export function apiBaseProblem(apiBase: string, source: ApiBaseSource): string | undefined {
  const url = new URL(apiBase);
  if (url.origin === MESHY_API_ORIGIN || isLoopback(url)) return undefined;
  if (source === "config")
    return `a config file may name only ${MESHY_API_ORIGIN} or loopback (the emulator): a committed config could send your API key to ${url.origin}`;
  if (url.protocol !== "https:")
    return `${url.origin} is plain http: the API key would cross the network unencrypted (only loopback may use http)`;
  return undefined;
}

/** The line to print before the key goes to `apiBase`, when that is not Meshy's own API. Origin only: a path may hold a token. */
export function keyDestinationNotice(apiBase: string): string | undefined {
  const { origin } = new URL(apiBase);
  return origin === MESHY_API_ORIGIN ? undefined : `Sending the Meshy API key to ${origin} (not ${MESHY_API_ORIGIN}).`;
}

const announced = new WeakMap<object, Set<string>>();

/** Prints the notice on `out` once per origin, however many parts of a command use the key. */
export function announceKeyDestination(out: { write(text: string): unknown }, apiBase: string): void {
  const notice = keyDestinationNotice(apiBase);
  if (!notice) return;
  const seen = announced.get(out) ?? new Set<string>();
  announced.set(out, seen);
  if (seen.has(notice)) return;
  seen.add(notice);
  out.write(`${notice}\n`);
}
