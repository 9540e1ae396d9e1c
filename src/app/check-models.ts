/**
 * Offline checks of the local models a plan is about to pay to rig, so that a model Meshy
 * cannot rig is an input error (exit 3) before anything is sent, not a refusal after the
 * user waited for its upload. They read each model's glTF JSON, so they run for paid rig
 * steps only: `rigup check` and an up-to-date build stay stat-only.
 */
import { open, readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../diagnostics/errors.js";
import type { ModelFacts } from "../gltf/model-facts.js";
import { formatPath, parseYamlWithPositions, type DataPath } from "../diagnostics/positions.js";
import { isPaid } from "../plan/unit.js";
import type { Plan } from "../plan/types.js";
import type { Project } from "./project.js";
import { FILE_CONCURRENCY, mapLimit } from "../async/map-limit.js";

/** Meshy refuses (400) a model to rig with more triangles than this. CONFIRMED (docs/meshy-api.md §2.1). */
export const MAX_RIG_TRIANGLES = 380_000;
/** What Meshy advises remeshing such a model to. CONFIRMED (same page). */
const REMESH_TARGET = 300_000;

interface Problem {
  path: DataPath;
  message: string;
  hint: string;
}

interface PaidModel {
  character: string;
  file: string;
  textured: boolean;
}

const count = (n: number) => n.toLocaleString("en-US");

/**
 * @throws UserError `MODEL_INVALID` (exit 3), a diagnostic at the manifest line of each problem
 */
export async function checkPaidModels(project: Project, plan: Plan): Promise<void> {
  const paid = new Set(plan.steps.filter((s) => s.kind === "rig" && isPaid(s)).map((s) => s.character));
  const models = project.resolved.characters.flatMap((c): PaidModel[] =>
    paid.has(c.name) && c.source.kind === "file" ? [{ character: c.name, file: c.source.path, textured: c.texture !== null }] : [],
  );
  const files = [...new Set(models.map((m) => m.file))];
  const read = await mapLimit(files, FILE_CONCURRENCY, (f) => readFacts(path.resolve(project.settings.manifestDir, f)));
  const facts = new Map(files.map((f, i) => [f, read[i]]));
  const problems = models.flatMap((m) => problemsOf(m, facts.get(m.file)));
  if (problems.length === 0) return;

  // Positions only on this failure path: the manifest is read again, as checkActionIds does.
  const manifestFile = project.settings.manifestFile;
  const yaml = parseYamlWithPositions(await readFile(manifestFile, "utf8"), manifestFile);
  const n = problems.length;
  throw new UserError("MODEL_INVALID", `${n} problem${n === 1 ? "" : "s"} with models to rig; nothing was sent`, {
    diagnostics: problems.map((p) => ({
      file: manifestFile,
      ...yaml.locate(p.path),
      field: formatPath(p.path),
      message: p.message,
      hint: p.hint,
    })),
  });
}

function problemsOf({ character, file, textured }: PaidModel, facts: ModelFacts | undefined): Problem[] {
  // A model gltf-transform cannot read (external buffers, a stub) is Meshy's to judge: refuse only what is certain.
  if (facts === undefined) return [];
  const out: Problem[] = [];
  if (facts.triangles > MAX_RIG_TRIANGLES) {
    out.push({
      path: ["characters", character, "model"],
      message: `${file} has ${count(facts.triangles)} triangles; Meshy rigs models of at most ${count(MAX_RIG_TRIANGLES)}`,
      hint: `remesh it to ${count(REMESH_TARGET)} triangles or fewer, as Meshy advises (Meshy's Remesh with target_polycount, or Blender's Decimate), and export it again`,
    });
  }
  if (textured && !facts.hasUvs) {
    out.push({
      path: ["characters", character, "texture"],
      message: `${file} has no UV coordinates (TEXCOORD_0), so this texture cannot be mapped onto it`,
      hint: "UV-unwrap the model (e.g. Blender's Smart UV Project) and export it with its UVs, or remove texture:",
    });
  }
  return out;
}

async function readFacts(file: string): Promise<ModelFacts | undefined> {
  // Loaded on demand (glTF-Transform), as the checks run for paid rig steps only.
  const { modelFacts } = await import("../gltf/model-facts.js");
  try {
    return await modelFacts(await readGlbHead(file));
  } catch {
    return undefined;
  }
}

/** A GLB's 12-byte header and its JSON chunk (8-byte chunk header, then the JSON): all modelFacts reads, not the geometry. */
async function readGlbHead(file: string): Promise<Uint8Array> {
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.min(20, size));
    await handle.read(head, 0, head.length, 0);
    if (head.length < 20) return head;
    const glb = Buffer.alloc(20 + Math.min(head.readUInt32LE(12), size - 20));
    head.copy(glb);
    await handle.read(glb, 20, glb.length - 20, 20);
    return glb;
  } finally {
    await handle.close();
  }
}
