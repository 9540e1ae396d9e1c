/**
 * Progress on a terminal explains itself (issue 10, item 7): clips waiting for
 * their rig say so instead of spinning; an overall line counts units, credits
 * and time; a failed row keeps its name and says why; the closing line says
 * where the files are.
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { twoCharacterProject } from "../helpers/project.js";
import { hasScript, rigupOnPty } from "./pty.js";
import { plain, screen } from "./screen.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe.skipIf(!hasScript)("progress on a terminal", () => {
  it(
    "says what each unit waits for, counts units, credits and time, and keeps a failure's name and reason",
    { timeout: 60_000 },
    async () => {
      emulator = await startEmulator({ speed: "instant", rigMs: 500, animationMs: 300, rateLimit: 0 });
      const emu = emulator;
      const project = await twoCharacterProject();
      // The goblin's rig task ends FAILED.
      const goblin = createHash("sha256")
        .update(await readFile(join(project.dir, "models/goblin.glb")))
        .digest("hex");
      emu.setFaults({ failInputs: [goblin] });
      // Wide enough that the summary does not wrap.
      const run = rigupOnPty(["build", "--yes"], {
        cwd: project.dir,
        columns: 200,
        env: { MESHY_API_BASE: emu.url, MESHY_API_KEY: emu.apiKey },
      });
      const end = await run.ended;
      expect(end.code, end.output).toBe(1);

      // While the rigs run, their clips wait (drawn dimmed, without a spinner) and say for what.
      const drawn = plain(end.output);
      expect(drawn).toContain("· hero/animations/action-4 · Attack  waiting for hero/rig");
      expect(drawn).toContain("· goblin/animations/action-2 · Alert  waiting for goblin/rig");
      expect(drawn).toMatch(/^0\/7 units done · 0 of up to 25 credits spent · 0:\d\d elapsed$/m);

      const lines = screen(end.output, { columns: 200 });
      expect(lines).toContainEqual(expect.stringMatching(/^ {2}✖ goblin\/rig {2}failed: task failed: \S.+$/));
      expect(lines).toContainEqual("  − goblin/animations/action-2 · Alert  not run: its rig goblin/rig did not succeed");
      expect(lines).toContainEqual(
        expect.stringMatching(/^ {2}✔ hero\/animations\/action-8 · Dead {2}created · 2 files \(.+\) · task \S+$/),
      );
      const closing = lines
        .filter((l) => l.trim() !== "")
        .join("\n")
        .split("\n")
        .at(-1);
      expect(closing).toMatch(
        /^Finished with problems: 4 created, 0 downloaded, 1 merged, 0 up to date, 1 failed, 2 not run\. Credits spent: 14\. Files written: \d+ \(.+\) in out\/\. Wall time: [\d.]+ s\.$/,
      );
    },
  );
});
