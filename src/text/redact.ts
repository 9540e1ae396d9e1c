/**
 * The one redaction of secrets from text bound for a terminal, a log, a file or an
 * error's cause chain: the Meshy client and the CLI's top-level catch (where every
 * error thrown out of a command is printed) both use it. It masks the API key
 * and other known secrets (AWS keys from the env), `msy_` tokens, `Bearer` credentials,
 * AWS access key ids, and the query string of any URL (signed asset and S3 URLs carry
 * their credential there: docs/meshy-api.md §6.4).
 */

const KEY_MASK = "msy_***";
const MAX_CAUSE_DEPTH = 5;
/** Shorter "secrets" (an env var set to "x") would mask ordinary words. */
const MIN_SECRET_LENGTH = 4;

// Text redacted here may be JSON (the CLI's --json errors) or coloured: a match stops at
// quotes, backslashes (JSON escapes), angle brackets, whitespace and control characters.
const STOP = String.raw`\s"'<>\\\x00-\x1f\x7f`;
const BEARER = new RegExp(String.raw`Bearer\s+[^${STOP}]+`, "gi");
const MSY_TOKEN = /msy_(?!\*\*\*)[A-Za-z0-9_-]+/g;
const AWS_KEY_ID = /\b(?:AKIA|ASIA)[A-Z0-9]{16}\b/g;
/** Any `scheme://...?query` (scheme unchecked: colour codes may touch it): the query goes, origin and path stay. */
const URL_QUERY = new RegExp(String.raw`(:\/\/[^?${STOP}]+)\?[^${STOP}]*`, "g");
/** Signing parameters seen without their URL (a cut or re-quoted URL): their values go. */
const SIGNING_PARAM = new RegExp(
  String.raw`(^|[?&;\s"'])(X-Amz-[A-Za-z-]+|Signature|Credential|Expires|Key-Pair-Id|Policy|token|access_token|sig)=[^&${STOP}]+`,
  "gi",
);

/**
 * `text` with every secret in `secrets` (the API key, AWS keys from the env), any
 * `msy_...` token, `Bearer ...` credential and AWS access key id masked, and the
 * query of any URL dropped.
 * @example redactSecrets('GET "https://a.test/m.glb?X-Amz-Signature=abc": 403') // 'GET "https://a.test/m.glb": 403'
 */
export function redactSecrets(text: string, secrets: string | ReadonlyArray<string | undefined> = []): string {
  let out = text;
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    if (secret && secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(KEY_MASK);
  }
  return out
    .replace(BEARER, "Bearer ***")
    .replace(MSY_TOKEN, KEY_MASK)
    .replace(AWS_KEY_ID, "***")
    .replace(URL_QUERY, "$1")
    .replace(SIGNING_PARAM, "$1$2=***");
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
