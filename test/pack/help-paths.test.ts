/**
 * What rigup prints never sends a user to a file the package does not ship
 * (issue 10, item 10): no command's --help, and no hint, names a path under
 * src/, test/, examples/, scripts/, bench/ or .ci/ (only dist/, bin/, schemas/
 * and README.md are installed).
 */
import { expect, it } from "vitest";
import { tempProject } from "../helpers/project.js";
import { spawnRigup } from "../helpers/spawn.js";

const REPO_ONLY = /(?<![\w/.-])(?:src|test|examples|scripts|bench|\.ci)\/[\w./-]+/g;

it("no --help text or hint names a file outside the package", { timeout: 120_000 }, async () => {
  // An empty manifest, and beside it a repository without one.
  const project = await tempProject({ "characters.yaml": "", "other/.git/HEAD": "ref: refs/heads/main\n" });
  const top = await spawnRigup(["--help"], { cwd: project.dir });
  const commands = [...top.stdout.slice(top.stdout.indexOf("Commands:")).matchAll(/^ {2}([a-z-]+)/gm)]
    .map((m) => m[1]!)
    .filter((c) => c !== "help");
  expect(commands).toEqual(expect.arrayContaining(["build", "emulator", "init", "preview", "lock"]));
  const texts = [top.stdout];
  for (const command of [...commands, "lock merge"])
    texts.push((await spawnRigup([...command.split(" "), "--help"], { cwd: project.dir })).stdout);
  // The empty manifest's hint, and the no-manifest error's.
  const empty = await spawnRigup(["plan"], { cwd: project.dir });
  expect(empty.code).toBe(3);
  const none = await spawnRigup(["plan"], { cwd: `${project.dir}/other` });
  texts.push(empty.stderr, none.stderr);

  expect(texts.flatMap((t) => t.match(REPO_ONLY) ?? [])).toEqual([]);
  expect(none.stderr).toContain("no characters.yaml");
});
