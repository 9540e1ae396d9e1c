/**
 * `characters.yaml`: the manifest. zod is the single source of its types, its
 * defaults and the editor JSON Schema (`schemas/characters.schema.json`, generated
 * by scripts/gen-schemas.ts). Objects are strict so a typo such as `heigth_meters`
 * is an error, not a silently ignored key.
 */
import { z } from "zod";
import { PostProcessSchema } from "../meshy/schemas.js";

export const MANIFEST_VERSION = 1;

/** Names that become one path segment: no separators, no dot-dot, nothing a filesystem reserves. */
export const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** Windows reserves these names in every directory, with or without an extension. */
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;

export const SafeNameSchema = z
  .string()
  .regex(SAFE_SEGMENT, {
    message:
      "must be a safe file name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 64 characters (no '/', no '..')",
  })
  .refine((s) => !RESERVED.test(s), { message: "is a name the file system reserves (CON, NUL, COM1, ...)" })
  .refine((s) => !s.endsWith("."), { message: "must not end with '.'" });

/**
 * Meshy only says "> 0" (docs/meshy-api.md §2.1), but it scales the skeleton by this number: a value
 * outside 1 cm..100 m is a unit slip (centimetres, millimetres), not a character, and
 * extremes such as 1e300 or 1e-320 overflow or vanish in the scale.
 */
export const HEIGHT_METERS = { min: 0.01, max: 100 } as const;
const HEIGHT_REASON = `Meshy scales the rig to this height in meters, and no character is under ${HEIGHT_METERS.min} m or over ${HEIGHT_METERS.max} m: check the unit (centimetres?)`;
const HeightSchema = z.number().min(HEIGHT_METERS.min, { error: HEIGHT_REASON }).max(HEIGHT_METERS.max, { error: HEIGHT_REASON });

const HttpsUrlSchema = z
  .string()
  .regex(/^https:\/\/[^\s]+$/, { message: "must be an https:// URL" })
  .meta({ description: "A publicly reachable https:// URL." });

/** A local path relative to the manifest, or an https URL. */
const PathOrUrlSchema = z.string().min(1).meta({ description: "A path relative to characters.yaml, or an https:// URL." });

export { PostProcessSchema };

/**
 * The skeleton Meshy rigs with: API v2's `skeleton_template`. Meshy documents one value,
 * `mixamo` (its default: the bone names Unity, Unreal and Godot retargeting expects); the
 * others are not documented (docs/meshy-api.md §2.1), so any identifier passes and Meshy judges it.
 */
export const SkeletonSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,63}$/, { message: "must be a skeleton template name such as mixamo: letters, digits, '_' or '-'" });

/** What the character stands on: API v2's `animation_type` (that field name and its default, biped, are INFERRED: docs/meshy-api.md §2.1). */
export const BodySchema = z.enum(["biped", "quadruped"]);
export type Body = z.infer<typeof BodySchema>;

export const OUTPUT_FORMATS = ["glb", "fbx"] as const;
export const OutputFormatSchema = z.enum(OUTPUT_FORMATS);
export type OutputFormat = z.infer<typeof OutputFormatSchema>;

/** How the character's clips merge into one game-ready GLB (src/merge/): in `defaults` and per character. */
const MergeFields = {
  merge: z.boolean().meta({
    description:
      "Merge the rigged mesh and every clip into one GLB, out/<character>/<character>.glb (local and free; needs the glb format). Default: true.",
  }),
  root_motion: z.enum(["keep", "in_place"]).meta({
    description:
      "In the merged file: keep the clips' root motion, or in_place (the hips' horizontal translation held at its first key). Default: keep.",
  }),
  resample: z.boolean().meta({ description: "In the merged file: drop keyframes that change nothing (lossless). Default: false." }),
  meshopt: z.boolean().meta({
    description:
      "In the merged file: EXT_meshopt_compression with quantized keyframes (smaller, for web games; the loader needs a meshopt decoder). Default: false.",
  }),
};

export const ActionObjectSchema = z.strictObject({
  action_id: z.number().int().nonnegative().meta({ description: "An action id from Meshy's animation library (`rigup actions`)." }),
  name: SafeNameSchema.optional().meta({
    description: "File name (without extension) to save this clip under. Default: action-<id>.",
  }),
  post_process: PostProcessSchema.nullable()
    .optional()
    .meta({ description: "Post-processing for this action; null turns off the default." }),
});

export const ActionSchema = z.union([
  z.number().int().nonnegative().meta({ description: "An action id from Meshy's animation library." }),
  ActionObjectSchema,
]);
export type ActionSpec = z.infer<typeof ActionSchema>;

export const CharacterSchema = z
  .strictObject({
    model: z.string().min(1).optional().meta({ description: "Local .glb file, relative to characters.yaml." }),
    model_url: HttpsUrlSchema.optional().meta({ description: "https:// URL of a textured humanoid .glb." }),
    input_task_id: z.string().min(1).optional().meta({
      description: "A succeeded Meshy text/image-to-3D task id to rig.",
    }),
    height_meters: HeightSchema.optional().meta({
      description: `Approximate height in meters (${HEIGHT_METERS.min} to ${HEIGHT_METERS.max}). Default: defaults.height_meters.`,
    }),
    texture: PathOrUrlSchema.optional().meta({ description: "Base color texture: a .png path or https:// URL." }),
    skeleton: SkeletonSchema.optional().meta({
      description: "Skeleton template Meshy rigs with. Default: defaults.skeleton, else Meshy's own: mixamo, the only documented value.",
    }),
    body: BodySchema.optional().meta({
      description: "biped (on two legs) or quadruped (a four-legged animal). Default: defaults.body, else Meshy's own (biped).",
    }),
    actions: z.array(ActionSchema).default([]).meta({
      description: "Animations to make on this character's rig: action ids, or objects with action_id, name, post_process.",
    }),
    merge: MergeFields.merge.optional(),
    root_motion: MergeFields.root_motion.optional(),
    resample: MergeFields.resample.optional(),
    meshopt: MergeFields.meshopt.optional(),
  })
  .meta({ description: "One character: exactly one of model, model_url, input_task_id." });

export const DefaultsSchema = z.strictObject({
  height_meters: HeightSchema.default(1.7).meta({
    description: `Height in meters (${HEIGHT_METERS.min} to ${HEIGHT_METERS.max}) of characters that do not set their own.`,
  }),
  post_process: PostProcessSchema.nullable().default(null).meta({
    description: "Post-processing applied to every action that does not set its own.",
  }),
  formats: z
    .array(OutputFormatSchema)
    .min(1)
    .default(["glb", "fbx"])
    .meta({ description: "Which base output formats to download and keep." }),
  // No defaults of their own: unset, they stay out of the rig's inputs, so rigs made before they existed stay up to date.
  skeleton: SkeletonSchema.optional().meta({
    description: "Skeleton template of characters that do not set their own. Unset: Meshy's default, mixamo, the only documented value.",
  }),
  body: BodySchema.optional().meta({
    description: "biped or quadruped, for characters that do not set their own. Unset: Meshy's default (biped).",
  }),
  merge: MergeFields.merge.default(true),
  root_motion: MergeFields.root_motion.default("keep"),
  resample: MergeFields.resample.default(false),
  meshopt: MergeFields.meshopt.default(false),
});

export const ManifestSchema = z.strictObject({
  version: z.literal(MANIFEST_VERSION).meta({ description: "Manifest format version." }),
  defaults: DefaultsSchema.prefault({}).meta({ description: "Settings every character inherits." }),
  // Names become directory names under the output directory, so they must be safe path segments.
  characters: z.record(SafeNameSchema, CharacterSchema).meta({
    description: "The characters to rig, by name. A name becomes a directory under the output directory.",
  }),
});
/** The manifest as written (after zod defaults). */
export type Manifest = z.infer<typeof ManifestSchema>;
