/** Removes secrets from text bound for a terminal, log or file. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join("msy_***");
  }
  return out.replace(/Bearer\s+[^\s"']+/g, "Bearer ***");
}
