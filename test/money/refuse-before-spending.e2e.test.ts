/**
 * Issue 15, items 4 and 5: a damaged lockfile and an output folder that cannot
 * be written are refused before anything is sent (exit 3), never discovered
 * after the money is spent.
 */
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { posts } from "../helpers/assert.js";
import { TWO_CHARACTERS, tempProject, twoCharacterProject } from "../helpers/project.js";
import { rigup } from "../helpers/spawn.js";

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

it.each<[string, (text: string) => string]>([
  ["emptied to 0 bytes", () => ""],
  ["cut short at a line boundary", (text) => `${text.split("\n").slice(0, -4).join("\n")}\n`],
  ["hand-edited: an entry's inputs no longer match its digest", (text) => text.replace(`"height_meters":1.1`, `"height_meters":1.2`)],
])("a lockfile %s is refused (exit 3) and nothing is paid again", { timeout: 60_000 }, async (_name, damage) => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await twoCharacterProject();
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  expect((await rigup(["build", "--yes"], { cwd: project.dir, env })).code).toBe(0);
  const file = join(project.dir, "characters.lock");
  const text = await readFile(file, "utf8");
  const damaged = damage(text);
  expect(damaged).not.toBe(text);
  await writeFile(file, damaged);
  const before = posts(emulator.stats());

  for (const command of [["build", "--yes"], ["plan"], ["check"]]) {
    const run = await rigup(command, { cwd: project.dir, env });
    expect(run.code, `${command.join(" ")}: ${run.stderr}`).toBe(3);
    expect(run.stderr).toMatch(/characters\.lock/);
    expect(run.stderr).toMatch(/git checkout/);
  }
  expect(posts(emulator.stats())).toBe(before);
  // Untouched: the record of what was paid for is still there to restore or repair.
  expect(await readFile(file, "utf8")).toBe(damaged);
});

it("an output folder rigup cannot write to is refused before any task is paid for", { timeout: 60_000 }, async () => {
  emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  const project = await twoCharacterProject();
  // root writes through any mode bits: run rigup as an unprivileged user then, as a user would be.
  const asRoot = process.getuid?.() === 0;
  const wrapper = asRoot ? ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] : [];
  const cache = (await tempProject()).dir;
  if (asRoot) {
    await chmod(project.dir, 0o777);
    await chmod(cache, 0o777);
  }
  await mkdir(join(project.dir, "out"));
  await chmod(join(project.dir, "out"), 0o555);
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey, XDG_CACHE_HOME: cache, HOME: cache };
  const run = await rigup(["build", "--yes"], { cwd: project.dir, env, wrapper });
  expect(run.code, run.stderr).toBe(3);
  expect(run.stderr).toMatch(/cannot write to .*out.*nothing was sent or spent/);
  expect(posts(emulator.stats())).toBe(0);

  await chmod(join(project.dir, "out"), 0o777);
  const again = await rigup(["build", "--yes"], { cwd: project.dir, env, wrapper });
  expect(again.code, again.stderr).toBe(0);
  expect(emulator.stats().tasksCreated).toEqual(TWO_CHARACTERS.units);
});
