import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderSchemas, SCHEMAS_DIR } from "../scripts/gen-schemas.js";

const rendered = renderSchemas();

describe("schemas/", () => {
  it.each([...rendered.keys()])("%s is up to date (else run `npm run schemas`)", async (file) => {
    const onDisk = await readFile(path.join(SCHEMAS_DIR, file), "utf8").catch(() => "(missing)");
    // A plain equality check, so the failure says what to do instead of dumping a diff first.
    if (onDisk !== rendered.get(file)) expect.fail(`schemas/${file} is stale: run \`npm run schemas\` and commit the result`);
  });

  it("is deterministic", () => {
    expect(renderSchemas()).toEqual(rendered);
  });

  it("describes the manifest for editors: ids, titles, optional defaulted fields, no unknown keys", () => {
    const manifest = JSON.parse(rendered.get("characters.schema.json") ?? "{}");
    expect(manifest.$id).toMatch(/^https:\/\/.+\/characters\.schema\.json$/);
    expect(manifest.title).toBeTruthy();
    expect(manifest.required).toEqual(["version", "characters"]);
    expect(manifest.additionalProperties).toBe(false);
    const character = manifest.properties.characters.additionalProperties;
    expect(Object.keys(character.properties)).toEqual(
      expect.arrayContaining(["model", "model_url", "input_task_id", "height_meters", "texture", "actions"]),
    );
    expect(character.properties.height_meters.description).toBeTruthy();
    // `actions` has a default, so it must not be required of the user.
    expect(character.required ?? []).not.toContain("actions");
    expect(manifest.properties.characters.propertyNames.pattern).toBeTruthy();

    const config = JSON.parse(rendered.get("config.schema.json") ?? "{}");
    expect(config.required ?? []).toEqual([]);
    expect(Object.keys(config.properties)).not.toContain("apiKey");
    const lock = JSON.parse(rendered.get("lockfile.schema.json") ?? "{}");
    expect(lock.title).toBe("rigup lockfile line");
  });

  it("ends with a newline and uses 2-space indentation", () => {
    for (const text of rendered.values()) expect(text).toMatch(/^\{\n {2}"\$schema"[^]*\}\n$/);
  });
});
