/**
 * What `rigup init` writes. Pure text; src/init/index.ts decides where and whether.
 */

/** Where editors find the schema when rigup is not installed next to the manifest. */
export const PUBLISHED_SCHEMA_URL = "https://unpkg.com/rigup/schemas/characters.schema.json";

/** A starter manifest that loads as is: every character is an example in comments. */
export function starterManifest(schemaRef: string): string {
  return `# yaml-language-server: $schema=${schemaRef}
#
# rigup manifest: the characters of your game to rig and animate with Meshy.
# \`rigup plan\` shows what a build would do and cost; \`rigup build\` does it.
# \`rigup actions\` lists the animation library (action ids, names, categories).

# Manifest format version: always 1 for this rigup.
version: 1

# Inherited by every character unless it sets its own value.
defaults:
  height_meters: 1.7      # approximate height of a model, in meters
  formats: [glb, fbx]     # base outputs to download for each rig and clip
  post_process: null      # e.g. { operation_type: change_fps, fps: 30 } for every action

# Add characters here. A name becomes a folder: out/<name>/rig, out/<name>/animations.
characters: {}
# characters:
#   knight:
#     model: models/knight.glb   # exactly one of: model (local .glb), model_url (https), input_task_id
#     height_meters: 1.8
#     texture: textures/knight.png   # optional base colour PNG, path or https URL
#     actions:
#       - 0                      # Idle: saved as animations/action-0.glb/.fbx
#       - action_id: 4           # Attack
#         name: attack           # file name instead of action-4
#         post_process: { operation_type: change_fps, fps: 60 }
`;
}

/**
 * A block of .gitignore or .gitattributes: a comment saying why, then lines. A
 * commented-out line (the Git LFS patterns) counts as present when the file has
 * it uncommented too (the user enabled it).
 */
export interface ManagedBlock {
  comment: string;
  lines: string[];
}

export interface GitignoreOptions {
  /** Outputs are committed (no ignore line for the output dir). */
  commitOutputs: boolean;
  /** Output dir relative to the manifest, '/'-separated, e.g. `out`. */
  outDir: string;
}

export function gitignoreBlocks({ commitOutputs, outDir }: GitignoreOptions): ManagedBlock[] {
  const blocks: ManagedBlock[] = [
    { comment: "# rigup: local state (stat cache, writer lock, actions cache): never commit", lines: [".rigup/"] },
  ];
  if (!commitOutputs) {
    blocks.push({
      comment: "# rigup: outputs, rebuilt from characters.lock by `rigup build --frozen` while Meshy keeps the tasks",
      lines: [`/${outDir}/`],
    });
  }
  return blocks;
}

export function gitattributesBlocks({ outDir }: Pick<GitignoreOptions, "outDir">): ManagedBlock[] {
  return [
    {
      comment: "# rigup: the lockfile is generated (collapsed in GitHub diffs) but stays diffable and line-merged",
      lines: ["characters.lock linguist-generated=true"],
    },
    {
      comment: "# rigup: to commit outputs through Git LFS, uncomment these lines (needs `git lfs install`)",
      lines: ["glb", "fbx", "usdz"].map((ext) => `# ${outDir}/**/*.${ext} filter=lfs diff=lfs merge=lfs -text`),
    },
  ];
}
