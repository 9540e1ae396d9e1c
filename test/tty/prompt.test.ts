/**
 * The spend question on a real terminal (issue 10, item 4): with a real key,
 * `rigup build` prints the plan, asks, and only then starts progress. Nothing
 * may draw over the question or before the answer.
 */
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { posts } from "../helpers/assert.js";
import { TWO_CHARACTERS, twoCharacterProject } from "../helpers/project.js";
import { hasScript, rigupOnPty, type PtyRun } from "./pty.js";
import { plain, screen } from "./screen.js";

const QUESTION = `Spend up to ${TWO_CHARACTERS.credits} Meshy credits? [y/N] `;

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function setup() {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await twoCharacterProject();
  return { project, emu: emulator, env: { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey } };
}

describe.skipIf(!hasScript)("the spend question on a terminal", () => {
  it("is the last thing on screen until answered; declining sends nothing and shows no progress", { timeout: 60_000 }, async () => {
    const { project, emu, env } = await setup();
    const run = rigupOnPty(["build"], { cwd: project.dir, env });
    await askedAlone(run);
    run.type("n\r");
    const end = await run.ended;
    expect(end.code, end.output).toBe(5);
    expect(posts(emu.stats())).toBe(0);
    const after = plain(end.output).slice(plain(end.output).indexOf(QUESTION) + QUESTION.length);
    expect(after.trim()).toBe("n\nError: not confirmed; nothing was sent");
  });

  it("stays on screen after a yes, above the progress it starts", { timeout: 60_000 }, async () => {
    const { project, env } = await setup();
    const run = rigupOnPty(["build"], { cwd: project.dir, env });
    await askedAlone(run);
    run.type("y\r");
    const end = await run.ended;
    expect(end.code, end.output).toBe(0);
    const lines = screen(end.output);
    const asked = lines.indexOf(`${QUESTION}y`);
    expect(asked, lines.join("\n")).toBeGreaterThan(0);
    const done = lines.findIndex((l) => l.startsWith("Done: 7 created"));
    expect(done).toBeGreaterThan(asked);
  });
});

/**
 * Waits for the question, then as long as a spinner takes to draw a few frames (a redraw
 * loop would show itself by then; the result never depends on it): between the plan's
 * closing line and the question there is nothing, and the question is the last line on screen.
 */
async function askedAlone(run: PtyRun): Promise<void> {
  await run.waitFor(/\[y\/N\] /);
  await new Promise((r) => setTimeout(r, 500));
  const shown = plain(run.output());
  expect(shown.slice(shown.indexOf("Estimated cost:"))).toMatch(
    new RegExp(`^Estimated cost: ${TWO_CHARACTERS.credits} credits\\.\\s*${escape(QUESTION)}$`),
  );
  expect(
    screen(run.output())
      .filter((l) => l !== "")
      .at(-1),
  ).toBe(QUESTION.trimEnd());
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
