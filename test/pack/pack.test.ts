/**
 * rigup as a game repo gets it: `npm pack` the package, install the tarball into
 * an empty project outside this source tree (so only its declared dependencies
 * resolve), and drive it with `npx rigup` as a subprocess: init, check, plan,
 * build against the built-in emulator, check again.
 *
 * Slow (a TypeScript build, an npm install from the registry, reusing npm's
 * cache): one test with a generous timeout. It still runs in `npm test`.
 */
import { spawn } from "node:child_process";
import { mkdir, readFile, readdir, writeFile } from "node:fs/promises";
import { builtinModules } from "node:module";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { buildHumanoid } from "../../src/gltf/humanoid.js";
import { readLockfile } from "../../src/lockfile/read.js";
import { expectTreeMatchesLock } from "../helpers/assert.js";
import { follow, shellEnv } from "../helpers/spawn.js";
import { hasScript } from "../tty/pty.js";
import { ROOT, sh, sourceCopy, tempDir } from "./source.js";

const SLOW_MS = 300_000;

interface PackedFile {
  path: string;
}

/** Bare package names a built file imports (static and dynamic). */
function importedPackages(js: string): string[] {
  const names = new Set<string>();
  for (const m of js.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)["']([^"'.][^"']*)["']/gm)) {
    const spec = m[1]!;
    // Text that merely reads like an import (`differs from "${name}"` in a message) names no package.
    if (spec.startsWith("node:") || !/^(@[\w.-]+\/)?[\w.-]+(\/[\w./-]+)?$/.test(spec)) continue;
    names.add(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!);
  }
  return [...names];
}

const MANIFEST_CHARACTERS = `characters:
  hero:
    model: models/hero.glb
    height_meters: 1.8
    actions: [0, { action_id: 4, name: attack }]
`;

describe("npm pack, installed in a game repo, run with npx (slow)", () => {
  it(
    "packs dist/, schemas/ and README only, installs with its declared dependencies, and builds a character",
    async () => {
      // 1. Pack from a copy of the source (dist/ does not exist there: what is packed was built by `prepack`).
      const src = await sourceCopy({ linkModules: true });
      // A leftover from an older build: `prepack` must clear it.
      await mkdir(join(src, "dist"));
      await writeFile(join(src, "dist/removed-module.js"), "export {};\n");
      const packed = await sh("npm", ["pack", "--json", "--pack-destination", src], src);
      expect(packed.code, packed.stderr).toBe(0);
      const [info] = JSON.parse(packed.stdout) as [{ filename: string; files: PackedFile[] }];
      const files = info.files.map((f) => f.path).sort();

      expect(files).toEqual(
        expect.arrayContaining([
          "package.json",
          "README.md",
          "bin/rigup.js",
          "dist/cli/bin.js",
          "schemas/characters.schema.json",
          "schemas/lockfile.schema.json",
        ]),
      );
      // dist/ may carry data next to its modules (e.g. the action library snapshot).
      expect(files.filter((f) => !/^(bin\/rigup\.js|dist\/.+\.js(on)?|schemas\/[\w.-]+\.json|README\.md|package\.json)$/.test(f))).toEqual(
        [],
      );
      // Fresh: exactly one compiled file per source module, and no source maps pointing at src/ that is not shipped.
      const sources = (await readdir(join(src, "src"), { recursive: true }))
        .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".d.ts"))
        .map((f) => `dist/${f.replaceAll("\\", "/").replace(/\.ts$/, ".js")}`)
        .sort();
      expect(files.filter((f) => f.startsWith("dist/") && f.endsWith(".js"))).toEqual(sources);
      expect(await readFile(join(src, "bin/rigup.js"), "utf8")).toMatch(/^#!\/usr\/bin\/env node\n/);

      // 2. An empty game repo outside the source tree: nothing resolves from this checkout's node_modules.
      const game = await tempDir("rigup-game-");
      expect(relative(ROOT, game).startsWith("..")).toBe(true);
      expect((await sh("npm", ["init", "-y"], game)).code).toBe(0);
      const installed = await sh(
        "npm",
        ["install", "--save-dev", join(src, info.filename), "--no-audit", "--no-fund", "--prefer-offline"],
        game,
      );
      expect(installed.code, installed.stderr).toBe(0);

      const pkg = JSON.parse(await readFile(join(game, "node_modules/rigup/package.json"), "utf8")) as {
        dependencies: Record<string, string>;
      };
      const declared = new Set(Object.keys(pkg.dependencies));
      const builtins = new Set(builtinModules);
      const distDir = join(game, "node_modules/rigup/dist");
      const used = new Set<string>();
      for (const file of (await readdir(distDir, { recursive: true })).filter((f) => f.endsWith(".js"))) {
        const imported = importedPackages(await readFile(join(distDir, file), "utf8"));
        imported.forEach((n) => used.add(n));
        expect(
          imported.filter((n) => !declared.has(n) && !builtins.has(n)),
          `dist/${file} imports packages the package does not declare`,
        ).toEqual([]);
      }
      expect([...used]).toEqual(expect.arrayContaining(["commander", "zod", "undici"]));

      // 3. The user's steps.
      const rigup = (...args: string[]) => sh("npx", ["--no-install", "rigup", ...args], game);
      const version = await rigup("--version");
      expect(version.stdout.trim()).toBe("0.1.0");

      const init = await rigup("init");
      expect(init.code, init.stderr).toBe(0);
      const starter = await readFile(join(game, "characters.yaml"), "utf8");
      expect(starter).toMatch(/^characters: \{\}$/m);
      await writeFile(join(game, "characters.yaml"), starter.replace(/^characters: \{\}$/m, MANIFEST_CHARACTERS));
      await mkdir(join(game, "models"));
      await writeFile(join(game, "models/hero.glb"), await buildHumanoid({ heightMeters: 1.8, seed: "pack", skinned: false }));

      const stale = await rigup("check");
      expect(stale.code, stale.stderr).toBe(2);

      const plan = await rigup("plan", "--json");
      expect(plan.code, plan.stderr).toBe(0);
      const steps = (JSON.parse(plan.stdout) as { steps: { key: string; action: string }[] }).steps;
      expect(steps.map((s) => `${s.action} ${s.key}`).sort()).toEqual([
        "create hero/animations/action-0",
        "create hero/animations/attack",
        "create hero/rig",
      ]);

      const build = await rigup("build", "--emulator");
      expect(build.code, build.stderr).toBe(0);
      const lock = await readLockfile(join(game, "characters.lock"));
      expect(Object.keys(lock.characters)).toEqual(["hero"]);
      expect(Object.keys(lock.characters.hero!.animations).sort()).toEqual(["action-0", "attack"]);
      expect(await expectTreeMatchesLock(game, lock)).toBeGreaterThanOrEqual(6);

      const fresh = await rigup("check");
      expect(fresh.code, fresh.stderr).toBe(0);

      // 4. The same package on a person's terminal (a real pty): one more action, built, then checked.
      if (hasScript) {
        await writeFile(
          join(game, "characters.yaml"),
          (await readFile(join(game, "characters.yaml"), "utf8")).replace("actions: [0,", "actions: [0, 8,"),
        );
        const onPty = (command: string) =>
          follow(
            spawn("script", ["-qfec", command, "/dev/null"], {
              cwd: game,
              env: shellEnv({ TERM: "xterm-256color" }),
              stdio: ["pipe", "pipe", "pipe"],
            }),
            120_000,
          ).ended;
        const built = await onPty("npx --no-install rigup build --emulator");
        expect(built.code, built.output).toBe(0);
        const shown = built.output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "");
        expect(shown).toMatch(/✔ hero\/animations\/action-8 · Dead {2}created/);
        expect(shown).toMatch(/Done: 1 created/);
        expect(shown).not.toMatch(/✖|Error|TypeError/);
        const checked = await onPty("npx --no-install rigup check");
        expect(checked.code, checked.output).toBe(0);
      }
    },
    SLOW_MS,
  );
});
