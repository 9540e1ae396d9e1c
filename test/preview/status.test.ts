import { describe, expect, it } from "vitest";
import { previewStatus, type StatusInput } from "../../src/preview/status.js";
import { animEntry } from "../lockfile/builders.js";
import { step } from "./fixture.js";

const KEY = "knight/animations/attack";
const base: StatusInput = { path: "knight/animations/attack.glb", role: "glb", present: true };
const failed = animEntry({ state: "failed", error: { code: "TASK_FAILED", message: "no pose" } });

describe("previewStatus", () => {
  it.each<[string, Partial<StatusInput>, ReturnType<typeof previewStatus>]>([
    ["up to date", { step: step(KEY, "noop"), entry: animEntry() }, { status: "ok", reasons: [] }],
    ["no plan step, no lock entry, file present", {}, { status: "ok", reasons: [] }],
    [
      "replaced by the plan",
      { step: step(KEY, "replace", ["action_id changed: 4 → 5"]) },
      { status: "stale", reasons: ["replace: action_id changed: 4 → 5"] },
    ],
    ["a step without reasons still says what it does", { step: step(KEY, "reconcile") }, { status: "stale", reasons: ["reconcile"] }],
    ["a download of other roles only", { step: step(KEY, "download", ["fbx missing"], ["fbx"]) }, { status: "ok", reasons: [] }],
    [
      "a download of this file",
      { step: step(KEY, "download", ["glb changed on disk"], ["glb", "fbx"]) },
      { status: "stale", reasons: ["download: glb changed on disk"] },
    ],
    [
      "absent",
      { present: false, step: step(KEY, "create", ["new action"]) },
      { status: "missing", reasons: ["knight/animations/attack.glb not found", "create: new action"] },
    ],
    [
      "absent because glb is not requested",
      { present: false, notRequested: "glb is not in formats" },
      { status: "missing", reasons: ["knight/animations/attack.glb not found", "glb is not in formats"] },
    ],
    ["failed, even with an older file present", { entry: failed }, { status: "failed", reasons: ["no pose (TASK_FAILED)"] }],
    [
      "failed and absent, with the plan's retry",
      { entry: failed, present: false, step: step(KEY, "replace", ["the last task failed"]) },
      { status: "failed", reasons: ["no pose (TASK_FAILED)", "replace: the last task failed"] },
    ],
  ])("%s", (_, input, expected) => {
    expect(previewStatus({ ...base, ...input })).toEqual(expected);
  });
});
