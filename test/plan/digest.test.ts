import { describe, expect, it } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import type { ResolvedCharacter } from "../../src/manifest/resolve.js";
import { animationInputs, rigInputs } from "../../src/plan/digest.js";
import { canonicalJson, digestOf } from "../../src/text/canonical-json.js";
import { sha } from "./given.js";

const character = (c: Partial<ResolvedCharacter>): ResolvedCharacter => ({
  name: "knight",
  source: { kind: "file", path: "models/knight.glb" },
  heightMeters: 1.7,
  texture: null,
  actions: [],
  ...c,
});
const facts = { inputs: { "models/knight.glb": sha("model"), "tex/knight.png": sha("png") }, outputs: {} };

describe("canonicalJson / digestOf", () => {
  it("sorts keys at every depth and drops whitespace", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: "x", c: null }] })).toBe('{"a":[2,{"c":null,"d":"x"}],"b":1}');
  });

  it("gives equal digests for equal values whatever the key order", () => {
    expect(digestOf({ a: 1, b: { c: 2, d: 3 } })).toBe(digestOf({ b: { d: 3, c: 2 }, a: 1 }));
    expect(digestOf({ a: 1 })).not.toBe(digestOf({ a: 2 }));
    expect(digestOf({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("rigInputs", () => {
  it.each([
    [{ kind: "file", path: "models/knight.glb" } as const, { file_sha256: sha("model") }],
    [{ kind: "url", url: "https://x.test/k.glb" } as const, { url: "https://x.test/k.glb" }],
    [{ kind: "task", taskId: "t-1" } as const, { input_task_id: "t-1" }],
  ])("source %o -> %o", (source, expected) => {
    expect(rigInputs(character({ source }), facts)).toEqual({ source: expected, height_meters: 1.7, texture: null });
  });

  it("counts a texture file by content and a texture url by url", () => {
    expect(rigInputs(character({ texture: { kind: "file", path: "tex/knight.png" } }), facts).texture).toEqual({ file_sha256: sha("png") });
    expect(rigInputs(character({ texture: { kind: "url", url: "https://x.test/t.png" } }), facts).texture).toEqual({
      url: "https://x.test/t.png",
    });
  });

  it("throws a UserError naming the missing input file", () => {
    expect(() => rigInputs(character({ source: { kind: "file", path: "models/gone.glb" } }), facts)).toThrow(UserError);
    expect(() => rigInputs(character({ texture: { kind: "file", path: "gone.png" } }), facts)).toThrow(/gone\.png/);
  });
});

it("animationInputs holds the action id and the post-process", () => {
  expect(animationInputs({ name: "a", actionId: 92, postProcess: { operation_type: "change_fps", fps: 24 } })).toEqual({
    action_id: 92,
    post_process: { operation_type: "change_fps", fps: 24 },
  });
});
