import { describe, expect, it } from "vitest";
import { redactSecrets } from "../../src/text/redact.js";

// The one redaction (text/redact.ts): the strongest of the copies it replaced must hold.
describe("redactSecrets", () => {
  it("masks every given secret (API key, AWS secret and key id from the env), msy_ tokens and Bearer credentials", () => {
    const secrets = ["sk-custom-1", "wJalrXUtnFEMI/K7MDENG", undefined, "x"];
    expect(redactSecrets("k sk-custom-1 s wJalrXUtnFEMI/K7MDENG t msy_abc123 h bearer xyz.abc x", secrets)).toBe(
      "k msy_*** s msy_*** t msy_*** h Bearer *** x",
    );
    expect(redactSecrets("id AKIAIOSFODNN7EXAMPLE used")).toBe("id *** used");
  });

  it.each([
    [
      'GET "https://b.s3.amazonaws.com/k.glb?X-Amz-Algorithm=AWS4&X-Amz-Credential=AKIA%2F&X-Amz-Signature=abc": 403',
      'GET "https://b.s3.amazonaws.com/k.glb": 403',
    ],
    [
      "cannot fetch https://assets.meshy.ai/t/x.glb?Expires=1&Signature=abc&Key-Pair-Id=K failed",
      "cannot fetch https://assets.meshy.ai/t/x.glb failed",
    ],
    ["s3://bucket/key.glb?versionId=1&token=t", "s3://bucket/key.glb"],
    [
      "a cut URL left Expires=123&Signature=abc&X-Amz-Credential=c behind",
      "a cut URL left Expires=***&Signature=***&X-Amz-Credential=*** behind",
    ],
  ])("drops the query of any URL, and signing parameters anywhere: %s", (text, expected) => {
    expect(redactSecrets(text)).toBe(expected);
  });

  it("keeps JSON and colour codes intact around what it masks", () => {
    const json = JSON.stringify({ message: 'fetch "https://a.test/m.glb?Signature=abc" with Bearer msy_k' });
    expect(JSON.parse(redactSecrets(json))).toEqual({ message: 'fetch "https://a.test/m.glb" with Bearer ***' });
    expect(redactSecrets("\x1b[1mhttps://a.test/m.glb?sig=1\x1b[22m")).toBe("\x1b[1mhttps://a.test/m.glb\x1b[22m");
  });

  it("leaves text without secrets alone", () => {
    const text = "characters.yaml line 4: model https://x.test/knight.glb not found (exit 3)";
    expect(redactSecrets(text, ["MESHY"])).toBe(text);
  });
});
