import { describe, expect, it } from "vitest";
import { UserError } from "../../src/diagnostics/errors.js";
import { loadManifest } from "../../src/manifest/load.js";
import { formatUserError } from "../../src/report/diagnostics.js";
import { MANIFEST, memProject } from "./fixtures.js";

const YAML = [
  "version: 1",
  "characters:",
  "  knight:",
  "    model: models/knight.glb",
  "    heigth_meters: 2",
  "  goblin:",
  "    model: models/fake.glb",
  "",
].join("\n");

describe("formatUserError", () => {
  it("renders every diagnostic terraform-style, paths relative to cwd", async () => {
    const err = (await loadManifest(MANIFEST, { fs: memProject(YAML) }).catch((e: unknown) => e)) as UserError;
    const text = formatUserError(err, { color: false, cwd: "/game", readSource: (f) => (f === MANIFEST ? YAML : undefined) });
    expect(text).toMatchInlineSnapshot(`
      "Error: characters.yaml has 2 problems

        on characters.yaml line 5, column 5, in characters.knight.heigth_meters:
           5 |     heigth_meters: 2
             |     ^
        unknown field "heigth_meters"
        Hint: did you mean height_meters?

        on characters.yaml line 7, column 12, in characters.goblin.model:
           7 |     model: models/fake.glb
             |            ^
        "models/fake.glb" is not a GLB file (it does not start with the glTF magic bytes)
        Hint: export the model as glTF binary (.glb)"
    `);
  });

  it("colours only when asked, and works without a source", () => {
    const err = new UserError("X", "bad", {
      diagnostics: [{ file: "(environment)", field: "RIGUP_CONCURRENCY", message: "must be at most 100" }],
    });
    expect(formatUserError(err, { color: false, readSource: () => undefined })).toBe(
      "Error: bad\n\n  on (environment), in RIGUP_CONCURRENCY:\n  must be at most 100",
    );
    expect(formatUserError(err, { color: true, readSource: () => undefined })).toContain("\u001b[31m");
  });
});
