/**
 * Keeps secrets out of messages, logs and cause chains: the API key (and any
 * `Bearer` credential) and the query strings of signed asset URLs, which are
 * bearer tokens in their own right (API-NOTES "Money and time").
 */

const KEY_MASK = "msy_***";
const MAX_CAUSE_DEPTH = 5;

/**
 * Replaces the key, any `msy_...` token and any `Bearer ...` credential in
 * `text`, and drops the query of any URL in it (signed asset URLs).
 */
export function redactSecrets(text: string, apiKey?: string): string {
  let out = text;
  if (apiKey) out = out.split(apiKey).join(KEY_MASK);
  return out
    .replace(/Bearer\s+\S+/gi, "Bearer ***")
    .replace(/msy_(?!\*\*\*)[A-Za-z0-9_-]+/g, KEY_MASK)
    .replace(/(https?:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/g, "$1");
}

/**
 * A URL fit for an error message: origin and path only. Signed asset URLs carry
 * their credential in the query (`?Expires=...&Signature=...`).
 *
 * @example quoteUrl("https://assets.meshy.ai/a/b.glb?Expires=1&Signature=x") // "https://assets.meshy.ai/a/b.glb"
 */
export function quoteUrl(url: string | URL): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return String(url).split(/[?#]/, 1)[0] ?? "";
  }
}

/**
 * A copy of `err` (and its cause chain) whose message and stack are redacted,
 * keeping `name` and `code` so callers can still tell ECONNRESET from a timeout.
 * Third-party errors are copied because their messages are not ours to trust.
 */
export function sanitizeError(err: unknown, apiKey?: string, depth = 0): Error {
  if (!(err instanceof Error)) return new Error(redactSecrets(String(err), apiKey));
  const copy = new Error(redactSecrets(err.message, apiKey));
  copy.name = err.name;
  copy.stack = err.stack === undefined ? undefined : redactSecrets(err.stack, apiKey);
  const code = (err as { code?: unknown }).code;
  if (typeof code === "string" || typeof code === "number") Object.assign(copy, { code });
  if (err.cause !== undefined && depth < MAX_CAUSE_DEPTH) {
    copy.cause = sanitizeError(err.cause, apiKey, depth + 1);
  }
  return copy;
}
