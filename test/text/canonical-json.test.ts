import { describe, expect, it } from "vitest";
import { canonicalJson, digestOf } from "../../src/text/canonical-json.js";

// Lockfile digests are canonicalJson + sha256: these values were computed before the
// canonical-JSON copies were merged and must never change (a changed digest re-rigs and re-pays).
describe("canonicalJson / digestOf pinned values", () => {
  it("rig inputs: keys sorted, undefined members dropped", () => {
    const rig = {
      source: { file_sha256: "a".repeat(64) },
      height_meters: 1.7,
      texture: { url: "https://x.test/t.png" },
      skeleton: "humanoid",
      body: undefined,
    };
    expect(canonicalJson(rig)).toBe(
      `{"height_meters":1.7,"skeleton":"humanoid","source":{"file_sha256":"${"a".repeat(64)}"},"texture":{"url":"https://x.test/t.png"}}`,
    );
    expect(digestOf(rig)).toBe("810cd876fa2c7bfd276697562766673f5f0a79d28a7a17a5ae58c29817c40470");
  });

  it("animation inputs", () => {
    expect(digestOf({ action_id: 92, post_process: { operation_type: "change_fps", fps: 24 } })).toBe(
      "2191f53dc9eeaf9cbe02680c06df6ce66a9b2c8996a69c92ad63c16eb1ef4f24",
    );
  });

  it("numbers, escapes, non-ASCII keys and arrays of objects", () => {
    const odd = { é: "ü\u2028", b: [1.5, -0, 1e21, null, { z: true, a: '"' }], a: undefined };
    expect(canonicalJson(odd)).toBe('{"b":[1.5,0,1e+21,null,{"a":"\\"","z":true}],"é":"ü\u2028"}');
    expect(digestOf(odd)).toBe("c9e43505bacffa95ecd2e4dd58dfd06140cabf137939f6f4f04b515620450260");
  });

  it("a top-level undefined is the text null", () => {
    expect(canonicalJson(undefined)).toBe("null");
  });
});
