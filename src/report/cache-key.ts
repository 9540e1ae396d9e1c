/** `rigup cache-key`: the key alone on stdout (for `$(rigup cache-key)`), or with its parts under --json. */
import { jsonDocument, type Output } from "./output.js";

export function reportCacheKey(key: { key: string; parts: object }, out: Output): void {
  if (out.json) jsonDocument(out, key);
  else out.stdout.write(`${key.key}\n`);
}
