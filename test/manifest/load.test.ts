import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { EXIT, UserError } from "../../src/diagnostics/errors.js";
import { loadManifest } from "../../src/manifest/load.js";
import { glbBytes, MANIFEST, memProject, pngBytes } from "./fixtures.js";

async function failure(yaml: string): Promise<UserError> {
  const err = await loadManifest(MANIFEST, { fs: memProject(yaml) }).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof UserError)) throw new Error(`expected a UserError, got ${String(err)}`);
  return err;
}

/** Prefix of a valid manifest: the bad part goes after it, from line 3 on. */
const HEAD = "version: 1\ncharacters:\n";

describe("loadManifest: each bad input is reported where it is", () => {
  it.each([
    // [case, yaml, line, column, field, message fragment]
    ["YAML syntax error", `${HEAD}  knight: { model: models/knight.glb\n`, 4, 1, undefined, "YAML syntax error"],
    [
      "unknown key",
      `${HEAD}  knight:\n    model: models/knight.glb\n    heigth_meters: 2\n`,
      5,
      5,
      "characters.knight.heigth_meters",
      'unknown field "heigth_meters"',
    ],
    [
      "unknown top-level key",
      `${HEAD}  knight: { model: models/knight.glb }\ncharacter: {}\n`,
      4,
      1,
      "character",
      'unknown field "character"',
    ],
    [
      "wrong type",
      `${HEAD}  knight:\n    model: models/knight.glb\n    height_meters: tall\n`,
      5,
      20,
      "characters.knight.height_meters",
      'expected a number, got "tall"',
    ],
    [
      "height 0",
      `${HEAD}  knight:\n    model: models/knight.glb\n    height_meters: 0\n`,
      5,
      20,
      "characters.knight.height_meters",
      "must be at least 0.01",
    ],
    [
      "negative height",
      `${HEAD}  knight:\n    model: models/knight.glb\n    height_meters: -1.7\n`,
      5,
      20,
      "characters.knight.height_meters",
      "must be at least 0.01",
    ],
    [
      "fps not allowed",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions:\n      - action_id: 4\n        post_process: { operation_type: change_fps, fps: 29 }\n`,
      7,
      58,
      "characters.knight.actions[0].post_process.fps",
      "must be one of 24, 25, 30, 60",
    ],
    [
      "fps with another operation",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions:\n      - action_id: 4\n        post_process: { operation_type: fbx2usdz, fps: 30 }\n`,
      7,
      51,
      "characters.knight.actions[0].post_process.fps",
      "fps is only allowed with operation_type: change_fps",
    ],
    [
      "unknown operation",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [{ action_id: 4, post_process: { operation_type: to_usdz } }]\n`,
      5,
      63,
      "characters.knight.actions[0].post_process.operation_type",
      "must be one of change_fps, fbx2usdz, extract_armature",
    ],
    [
      "two sources",
      `${HEAD}  knight:\n    model: models/knight.glb\n    model_url: https://cdn.example.com/knight.glb\n`,
      5,
      5,
      "characters.knight.model_url",
      "has both model and model_url",
    ],
    ["no source", `${HEAD}  knight:\n    height_meters: 1.8\n`, 3, 3, "characters.knight", "has no source model"],
    [
      "model_url not https",
      `${HEAD}  knight:\n    model_url: http://cdn.example.com/knight.glb\n`,
      4,
      16,
      "characters.knight.model_url",
      "https://",
    ],
    [
      "duplicate character",
      `${HEAD}  knight: { model: models/knight.glb }\n  knight: { model: models/knight.glb }\n`,
      4,
      3,
      "characters.knight",
      'character "knight" is defined twice (first on line 3)',
    ],
    [
      "duplicate default names",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [4, 0, 4]\n`,
      5,
      21,
      "characters.knight.actions[2]",
      'output name "action-4" is already used by actions[0]',
    ],
    [
      "name equal to another's default",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [4, { action_id: 2, name: action-4 }]\n`,
      5,
      40,
      "characters.knight.actions[1].name",
      'output name "action-4" is already used by actions[0]',
    ],
    ["character name ../x", `${HEAD}  ../x: { model: models/knight.glb }\n`, 3, 3, 'characters["../x"]', "must be a safe file name"],
    ["character name a/b", `${HEAD}  a/b: { model: models/knight.glb }\n`, 3, 3, 'characters["a/b"]', "must be a safe file name"],
    ["empty character name", `${HEAD}  "": { model: models/knight.glb }\n`, 3, 3, 'characters[""]', "must be a safe file name"],
    ["reserved character name", `${HEAD}  CON: { model: models/knight.glb }\n`, 3, 3, "characters.CON", "reserves"],
    ["trailing dot", `${HEAD}  knight.: { model: models/knight.glb }\n`, 3, 3, 'characters["knight."]', "must not end with '.'"],
    [
      "unsafe action name",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [{ action_id: 4, name: ../../etc/x }]\n`,
      5,
      37,
      "characters.knight.actions[0].name",
      "must be a safe file name",
    ],
    ["missing model", `${HEAD}  knight: { model: ../assets/knight.glb }\n`, 3, 20, "characters.knight.model", "file not found"],
    ["not a GLB", `${HEAD}  knight: { model: models/fake.glb }\n`, 3, 20, "characters.knight.model", "is not a GLB file"],
    ["not .glb", `${HEAD}  knight: { model: models/knight.fbx }\n`, 3, 20, "characters.knight.model", "is not a .glb file"],
    [
      "missing texture",
      `${HEAD}  knight:\n    model: models/knight.glb\n    texture: textures/none.png\n`,
      5,
      14,
      "characters.knight.texture",
      "file not found",
    ],
    [
      "texture not a PNG",
      `${HEAD}  knight:\n    model: models/knight.glb\n    texture: textures/skin.jpg.png\n`,
      5,
      14,
      "characters.knight.texture",
      "is not a PNG image",
    ],
    [
      "texture URL not https",
      `${HEAD}  knight:\n    model: models/knight.glb\n    texture: http://cdn.example.com/skin.png\n`,
      5,
      14,
      "characters.knight.texture",
      "must be an https:// URL",
    ],
    ["version missing", "characters:\n  knight: { model: models/knight.glb }\n", 1, 1, "version", 'missing required field "version"'],
    ["version 2", "version: 2\ncharacters: {}\n", 1, 10, "version", "must be 1, got 2"],
  ] as const)("%s", async (_case, yaml, line, column, field, fragment) => {
    const err = await failure(yaml);
    expect(err.code).toBe("MANIFEST_INVALID");
    expect(err.exitCode).toBe(EXIT.INVALID_INPUT);
    expect(err.diagnostics).toHaveLength(1);
    const [d] = err.diagnostics;
    expect(d).toMatchObject({ file: MANIFEST, line, column });
    expect(d?.field).toBe(field);
    expect(d?.message).toContain(fragment);
  });

  it("suggests the closest field for a typo", async () => {
    const err = await failure(`${HEAD}  knight:\n    model: models/knight.glb\n    heigth_meters: 2\n`);
    expect(err.diagnostics[0]?.hint).toBe("did you mean height_meters?");
  });

  it("reports every problem of one file in one error, top to bottom", async () => {
    const err = await failure(
      [
        "version: 1",
        "characters:",
        "  knight:",
        "    model: models/knight.glb",
        "    heigth_meters: 2",
        "    actions: [4, 4]",
        "  archer:",
        "    model: models/fake.glb",
        "    height_meters: 0",
        "  goblin:",
        "    texture: http://x.example/skin.png",
        "",
      ].join("\n"),
    );
    expect(err.message).toBe("characters.yaml has 6 problems");
    expect(err.diagnostics.map((d) => [d.line, d.field])).toEqual([
      [5, "characters.knight.heigth_meters"],
      [6, "characters.knight.actions[1]"],
      [8, "characters.archer.model"],
      [9, "characters.archer.height_meters"],
      [10, "characters.goblin"],
      [11, "characters.goblin.texture"],
    ]);
  });

  it("an action written as a name: one problem per entry, at the entry, with the ids it may mean", async () => {
    const yaml = `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [0, idle, { action_id: walking, name: walk }]\n`;
    const asked: string[] = [];
    const suggestAction = async (name: string) => {
      asked.push(name);
      return name === "idle" ? "did you mean 0 (Idle)?" : undefined;
    };
    const err = (await loadManifest(MANIFEST, { fs: memProject(yaml), suggestAction }).catch((e: unknown) => e)) as UserError;
    expect(err).toBeInstanceOf(UserError);
    expect(asked).toEqual(["idle", "walking"]);
    // zod's "expected a number or mapping" for the same entries is replaced, not repeated.
    expect(err.diagnostics).toEqual([
      {
        file: MANIFEST,
        line: 5,
        column: 18,
        field: "characters.knight.actions[1]",
        message: `an action is an id from Meshy's animation library (a number), not a name: got "idle"`,
        hint: "did you mean 0 (Idle)? `rigup actions idle` searches the library by name",
      },
      {
        file: MANIFEST,
        line: 5,
        column: 37,
        field: "characters.knight.actions[2].action_id",
        message: `an action is an id from Meshy's animation library (a number), not a name: got "walking"`,
        hint: "`rigup actions walking` searches the library by name",
      },
    ]);
  });

  it("reports a missing manifest as such", async () => {
    const err = await loadManifest("/nowhere/characters.yaml", { fs: memProject("") }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).code).toBe("MANIFEST_NOT_FOUND");
  });
});

describe("loadManifest: valid manifests", () => {
  it("loads, applies defaults and resolves paths against the manifest's directory", async () => {
    const yaml = [
      "version: 1",
      "defaults: { post_process: { operation_type: change_fps } }",
      "characters:",
      "  knight:",
      "    model: models/knight.glb",
      "    texture: textures/skin.png",
      "    actions: [0, { action_id: 92, name: reaping-swing, post_process: null }]",
      "  archer:",
      "    input_task_id: 0193-abc",
      "    height_meters: 1.8",
      "",
    ].join("\n");
    const loaded = await loadManifest(MANIFEST, { fs: memProject(yaml) });
    expect(loaded.file).toBe(MANIFEST);
    expect(loaded.dir).toBe("/game");
    expect(loaded.resolved).toEqual({
      formats: ["glb", "fbx"],
      characters: [
        {
          name: "knight",
          source: { kind: "file", path: "models/knight.glb" },
          heightMeters: 1.7,
          texture: { kind: "file", path: "textures/skin.png" },
          actions: [
            { name: "action-0", actionId: 0, postProcess: { operation_type: "change_fps", fps: 30 } },
            { name: "reaping-swing", actionId: 92, postProcess: null },
          ],
          merge: { root_motion: "keep", resample: false, meshopt: false },
        },
        {
          name: "archer",
          source: { kind: "task", taskId: "0193-abc" },
          heightMeters: 1.8,
          texture: null,
          actions: [],
          merge: { root_motion: "keep", resample: false, meshopt: false },
        },
      ],
    });
  });

  it("accepts a model outside the manifest's directory", async () => {
    const fs = memProject(`${HEAD}  knight: { model: ../assets/knight.glb }\n`, { "../assets/knight.glb": glbBytes() });
    const loaded = await loadManifest(MANIFEST, { fs });
    expect(loaded.resolved.characters[0]?.source).toEqual({ kind: "file", path: "../assets/knight.glb" });
  });

  it("refuses two names that write the same file", async () => {
    const yaml = `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [{ action_id: 8, post_process: { operation_type: extract_armature } }, { action_id: 2, name: action-8.armature }]\n`;
    const err = await failure(yaml);
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ field: "characters.knight.actions[1]", line: 5 });
    expect(err.diagnostics[0]?.message).toContain("knight/animations/action-8.armature.fbx");
  });
});

describe("examples/characters.yaml", () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("loads: 4 rigs and 10 animations, with the schema comment first", async () => {
    // A copy beside generated inputs, so the test does not depend on examples/models being built.
    const dir = await mkdtemp(path.join(tmpdir(), "rigup-example-"));
    dirs.push(dir);
    const example = fileURLToPath(new URL("../../examples/characters.yaml", import.meta.url));
    await cp(example, path.join(dir, "characters.yaml"));
    await mkdir(path.join(dir, "models"));
    await mkdir(path.join(dir, "textures"));
    for (const name of ["knight", "archer", "goblin", "mage"]) await writeFile(path.join(dir, "models", `${name}.glb`), glbBytes());
    await writeFile(path.join(dir, "textures", "mage.png"), pngBytes());

    const { resolved } = await loadManifest(path.join(dir, "characters.yaml"));
    expect(resolved.characters.map((c) => [c.name, c.heightMeters, c.actions.length])).toEqual([
      ["knight", 1.8, 3],
      ["archer", 1.7, 3],
      ["goblin", 1.1, 2],
      ["mage", 1.75, 2],
    ]);
    const known = new Set([0, 1, 2, 4, 8, 16, 92]);
    expect(resolved.characters.flatMap((c) => c.actions).every((a) => known.has(a.actionId))).toBe(true);
    const { readFile } = await import("node:fs/promises");
    expect((await readFile(example, "utf8")).split("\n", 1)[0]).toBe("# yaml-language-server: $schema=../schemas/characters.schema.json");
  });
});

describe("loadManifest: shapes", () => {
  it.each([
    ["empty file", "", 1, 1, undefined, "the manifest is empty"],
    ["characters is a list", "version: 1\ncharacters:\n  - knight\n", 3, 3, "characters", "expected a mapping, got a list"],
    [
      "actions is a mapping",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: { idle: 0 }\n`,
      5,
      14,
      "characters.knight.actions",
      "expected a list, got a mapping",
    ],
    [
      "action of the wrong type",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [true]\n`,
      5,
      15,
      "characters.knight.actions[0]",
      "expected number or mapping, got true",
    ],
    [
      "action without action_id",
      `${HEAD}  knight:\n    model: models/knight.glb\n    actions: [{ name: idle }]\n`,
      5,
      15,
      "characters.knight.actions[0].action_id",
      'missing required field "action_id"',
    ],
  ] as const)("%s", async (_case, yaml, line, column, field, fragment) => {
    const err = await failure(yaml);
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ line, column });
    expect(err.diagnostics[0]?.field).toBe(field);
    expect(err.diagnostics[0]?.message).toContain(fragment);
  });
});
