import { describe, expect, it } from "vitest";
import { eraseLinesAbove, oneLine, paint, paintNested } from "../../src/text/ansi.js";

// The only ANSI codes rigup writes: their bytes are what terminals and the TTY tests read.
describe("ansi", () => {
  it("paints one style or several, then resets; nothing without colour", () => {
    expect(paint(true, "green", "ok")).toBe("\x1b[32mok\x1b[0m");
    expect(paint(true, ["bold", "yellow"], "Warnings:")).toBe("\x1b[1;33mWarnings:\x1b[0m");
    expect(paint(false, ["bold", "yellow"], "Warnings:")).toBe("Warnings:");
  });

  it("nested styles turn off only themselves", () => {
    expect(paintNested(true, "red", paintNested(true, "bold", "Error:"))).toBe("\x1b[31m\x1b[1mError:\x1b[22m\x1b[39m");
    expect(paintNested(false, "dim", "x")).toBe("x");
  });

  it("erases a redrawn block of n lines, and nothing for none", () => {
    expect(eraseLinesAbove(3)).toBe("\x1b[3A\x1b[J");
    expect(eraseLinesAbove(0)).toBe("");
  });

  it("oneLine strips escape sequences and turns control characters into spaces", () => {
    expect(oneLine("pose\x1b[31m failed\nbadly")).toBe("pose failed badly");
  });
});
