/**
 * Writes the editor JSON Schemas in schemas/ from the zod schemas, the single
 * source of truth. `npm run schemas`; test/schemas.test.ts fails when a
 * checked-in file is stale. Output is deterministic: same schemas, same bytes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { z } from "zod";
import { ConfigSchema } from "../src/config/schema.js";
import { LockLineSchema } from "../src/lockfile/schema.js";
import { ManifestSchema } from "../src/manifest/schema.js";

/** Where the published package serves them (package.json "files" includes schemas/). */
const ID_BASE = "https://unpkg.com/rigup/schemas/";

const SCHEMAS: { file: string; schema: z.ZodType; title: string; description: string }[] = [
  {
    file: "characters.schema.json",
    schema: ManifestSchema,
    title: "rigup characters.yaml",
    description:
      "The characters rigup rigs and animates with Meshy. Add `# yaml-language-server: $schema=<path to this file>` as the first line of characters.yaml for completion.",
  },
  {
    file: "lockfile.schema.json",
    schema: LockLineSchema,
    title: "rigup lockfile line",
    description:
      "characters.lock is line-oriented: lines starting with '#' are comments; every other line is one JSON value of this schema (the version line first, then one line per rig and per animation).",
  },
  {
    file: "config.schema.json",
    schema: ConfigSchema,
    title: "rigup config",
    description:
      'How rigup runs (rigup.config.*, .riguprc*, or "rigup" in package.json). Never holds the API key or names its file: use MESHY_API_KEY, MESHY_API_KEY_FILE or --api-key-file.',
  },
];

/** File name -> exact file contents. */
export function renderSchemas(): Map<string, string> {
  const out = new Map<string, string>();
  for (const { file, schema, title, description } of SCHEMAS) {
    // io "input": fields with defaults are optional in what users write. draft-7: what yaml-language-server and VS Code support best.
    const { $schema, title: _t, description: _d, ...rest } = z.toJSONSchema(schema, { io: "input", target: "draft-7" });
    const json = { $schema, $id: `${ID_BASE}${file}`, title, description, ...rest };
    out.set(file, `${JSON.stringify(json, null, 2)}\n`);
  }
  return out;
}

export const SCHEMAS_DIR = fileURLToPath(new URL("../schemas/", import.meta.url));

async function main(): Promise<void> {
  await mkdir(SCHEMAS_DIR, { recursive: true });
  for (const [file, text] of renderSchemas()) {
    await writeFile(path.join(SCHEMAS_DIR, file), text);
    console.log(`wrote schemas/${file}`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
