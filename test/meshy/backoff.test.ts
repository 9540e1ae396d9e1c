import { describe, expect, it } from "vitest";
import { backoffDelay, parseRetryAfter, POLL_DEFAULTS } from "../../src/meshy/backoff.js";
import { quoteUrl, redactSecrets, sanitizeError } from "../../src/text/redact.js";

describe("backoffDelay", () => {
  it("grows by the factor up to the cap; jitter only shortens", () => {
    const exact = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, { ...POLL_DEFAULTS, jitter: 0 }, () => 0.99));
    expect(exact).toEqual([2000, 3000, 4500, 6750, 10125, 15188, 20000, 20000]);
    expect(backoffDelay(10, { ...POLL_DEFAULTS, jitter: 1 }, () => 0.25)).toBe(15000);
    expect(backoffDelay(0, { ...POLL_DEFAULTS, jitter: 0.2 }, () => 0)).toBe(2000);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it.each([
    ["2", 2000],
    ["0.5", 500],
    ["Thu, 01 Jan 2026 00:00:07 GMT", 7000],
    ["Wed, 31 Dec 2025 23:00:00 GMT", 0],
    [undefined, undefined],
    ["", undefined],
    ["soon", undefined],
  ])("%s -> %s ms", (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
});

describe("redaction", () => {
  it("masks the key, msy_ tokens and Bearer credentials", () => {
    expect(redactSecrets("key sk-custom-1 and msy_abc123 and Bearer xyz.abc", "sk-custom-1")).toBe(
      "key msy_*** and msy_*** and Bearer ***",
    );
  });

  it("drops the query of URLs inside text", () => {
    expect(redactSecrets('cannot fetch "https://a.test/m.glb?Signature=abc&Expires=1": 403')).toBe(
      'cannot fetch "https://a.test/m.glb": 403',
    );
  });

  it("quotes URLs without query or fragment", () => {
    expect(quoteUrl("https://assets.meshy.ai/t/x.glb?Expires=1&Signature=abc#f")).toBe("https://assets.meshy.ai/t/x.glb");
    expect(quoteUrl("not a url?token=1")).toBe("not a url");
  });

  it("copies a cause chain with redacted messages and stacks, keeping codes", () => {
    const inner = Object.assign(new Error("socket msy_LEAK"), { code: "ECONNRESET" });
    const outer = new Error("failed with Bearer msy_LEAK", { cause: inner });
    const copy = sanitizeError(outer);
    const cause = copy.cause as Error & { code?: string };
    expect(`${copy.message}${copy.stack}${cause.message}${cause.stack}`).not.toContain("LEAK");
    expect(cause.code).toBe("ECONNRESET");
  });
});
