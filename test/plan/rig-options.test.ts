/**
 * `skeleton` and `body` are rig inputs, but only when the manifest sets them: rigs made
 * before they existed (every v1 rig) keep their digest and are not paid for again.
 */
import { describe, expect, it } from "vitest";
import { RigInputsSchema, type RigInputs } from "../../src/lockfile/schema.js";
import type { ResolvedCharacter } from "../../src/manifest/resolve.js";
import { rigInputs } from "../../src/plan/digest.js";
import { digestOf } from "../../src/text/canonical-json.js";
import { actions, given, sha, step, type Given } from "./given.js";

/** A rig's inputs as rigup recorded them before skeleton and body existed, and the digest it wrote. */
const OLD_INPUTS: RigInputs = { source: { file_sha256: sha("model knight") }, height_meters: 1.7, texture: null };
const OLD_DIGEST = "71e0c1d29260175b8f7870714631807784bc976de2c71b82be46d916f8ba6c8f";

function knight(g: Given, o: Pick<ResolvedCharacter, "skeleton" | "body">): Given {
  Object.assign(g.character("knight", { actions: [92] }).manifest.characters[0]!, o);
  return g;
}

describe("rig inputs", () => {
  it("leave skeleton and body out when unset, so an old entry's digest is unchanged", () => {
    const g = given().character("knight");
    const inputs = rigInputs(g.manifest.characters[0]!, g.facts);
    expect(inputs).toStrictEqual(OLD_INPUTS);
    expect(digestOf(inputs)).toBe(OLD_DIGEST);
    // Read back from a lockfile: nothing is added either.
    expect(RigInputsSchema.parse(OLD_INPUTS)).toStrictEqual(OLD_INPUTS);
  });

  it("hold skeleton and body when set", () => {
    const g = knight(given(), { skeleton: "mixamo", body: "quadruped" });
    const inputs = rigInputs(g.manifest.characters[0]!, g.facts);
    expect(inputs).toStrictEqual({ ...OLD_INPUTS, skeleton: "mixamo", body: "quadruped" });
    expect(RigInputsSchema.parse(inputs)).toStrictEqual(inputs);
  });
});

describe("plan", () => {
  it("keeps a rig locked before skeleton and body existed up to date", () => {
    const g = given()
      .character("knight", { actions: [92] })
      .locked()
      .rig("knight", { inputs: OLD_INPUTS, digest: OLD_DIGEST });
    expect(actions(g.plan())).toEqual({ "knight/rig": "noop", "knight/animations/action-92": "noop" });
  });

  it("re-rigs when body changes, saying why", () => {
    const g = given()
      .character("knight", { actions: [92] })
      .locked();
    const s = step(knight(g, { body: "quadruped" }).plan(), "knight/rig");
    expect(s).toMatchObject({ action: "replace", credits: 5 });
    expect(s.reasons[0]).toBe("body changed (not set → quadruped)");

    g.locked();
    const back = step(knight(g, { body: "biped" }).plan(), "knight/rig");
    expect(back.action).toBe("replace");
    expect(back.reasons[0]).toBe("body changed (quadruped → biped)");
  });

  it("re-rigs when skeleton changes, saying why", () => {
    const g = knight(given(), { skeleton: "mixamo" }).locked();
    const s = step(knight(g, { skeleton: undefined }).plan(), "knight/rig");
    expect(s.action).toBe("replace");
    expect(s.reasons[0]).toBe("skeleton changed (mixamo → not set)");
  });
});
