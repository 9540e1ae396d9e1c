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

const HttpsUrlSchema = z
  .string()
  .regex(/^https:\/\/[^\s]+$/, { message: "must be an https:// URL" })
  .meta({ description: "A publicly reachable https:// URL." });

/** A local path relative to the manifest, or an https URL. */
const PathOrUrlSchema = z.string().min(1).meta({ description: "A path relative to characters.yaml, or an https:// URL." });

export { PostProcessSchema };

export const OUTPUT_FORMATS = ["glb", "fbx"] as const;
export const OutputFormatSchema = z.enum(OUTPUT_FORMATS);
export type OutputFormat = z.infer<typeof OutputFormatSchema>;

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
    height_meters: z.number().positive().optional().meta({
      description: "Approximate height in meters (> 0). Default: defaults.height_meters.",
    }),
    texture: PathOrUrlSchema.optional().meta({ description: "Base color texture: a .png path or https:// URL." }),
    actions: z.array(ActionSchema).default([]).meta({
      description: "Animations to make on this character's rig: action ids, or objects with action_id, name, post_process.",
    }),
  })
  .meta({ description: "One character: exactly one of model, model_url, input_task_id." });
export type CharacterSpec = z.infer<typeof CharacterSchema>;

export const DefaultsSchema = z.strictObject({
  height_meters: z.number().positive().default(1.7).meta({ description: "Height in meters of characters that do not set their own." }),
  post_process: PostProcessSchema.nullable().default(null).meta({
    description: "Post-processing applied to every action that does not set its own.",
  }),
  formats: z
    .array(OutputFormatSchema)
    .min(1)
    .default(["glb", "fbx"])
    .meta({ description: "Which base output formats to download and keep." }),
});
export type Defaults = z.infer<typeof DefaultsSchema>;

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
