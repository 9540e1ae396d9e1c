/**
 * Coloured output, byte for byte: every escape comes from text/ansi.ts, and merging the
 * copies that were in plan-text.ts, diagnostics.ts and tty.ts must not change a byte.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import { formatUserError } from "../../src/report/diagnostics.js";
import { renderPlan } from "../../src/report/plan-text.js";
import { given, HOUR, NOW } from "../plan/given.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

describe("coloured output", () => {
  it("renderPlan", () => {
    const p = given()
      .character("knight", { actions: [0, 4] })
      .character("archer", { actions: [1] })
      .locked()
      .rig("knight", { expires_at: NOW + 10 * HOUR })
      .character("knight", { actions: [0, { actionId: 4, postProcess: { operation_type: "fbx2usdz" } }, 92] })
      .remove("archer")
      .deleted("knight/animations/action-0.fbx")
      .plan();
    const text = renderPlan(p, { color: true });
    expect(text.split("\n").slice(0, 4)).toEqual([
      "Actions are shown with the following symbols:",
      "\u001b[32m  +\u001b[0m create (paid)",
      "\u001b[35m-/+\u001b[0m replace: made again (paid)",
      "\u001b[36m  ~\u001b[0m download again from an existing task (free)",
    ]);
    expect(sha(text)).toBe("88522181a46e99a26c76f0bb660cd356b0ef204675792a44fa25b7b76e2057ea");
    expect(renderPlan(given().plan(), { color: true })).toBe(
      "\u001b[1;32mNo changes.\u001b[0m Outputs match characters.yaml and characters.lock.\n",
    );
  });

  it("formatUserError", () => {
    const err = new UserError("X", "bad", {
      hint: "fix it",
      diagnostics: [{ file: "c.yaml", line: 2, column: 3, field: "a.b", message: "wrong", hint: "h" }],
    });
    expect(formatUserError(err, { color: true, readSource: () => "x: 1\ny: 2\n" })).toBe(
      "\u001b[31m\u001b[1mError:\u001b[22m\u001b[39m \u001b[1mbad\u001b[22m\n\n  on c.yaml line 2, column 3, in \u001b[1ma.b\u001b[22m:\n\u001b[2m     2 |\u001b[22m y: 2\n\u001b[2m       |\u001b[22m   \u001b[31m^\u001b[39m\n  wrong\n  \u001b[36mHint:\u001b[39m h\n\n\u001b[36mHint:\u001b[39m fix it",
    );
  });
});
