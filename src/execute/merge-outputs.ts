/**
 * The last part of a build: each character merged into one game-ready GLB
 * (src/merge/), from the outputs the lockfile now records, checked byte for byte
 * against their hashes first; written atomically, through to the team store, and
 * recorded.
 */
import { createHash } from "node:crypto";
import { join } from "node:path";
import { digestOf } from "../text/canonical-json.js";
import type { ResolvedCharacter } from "../manifest/resolve.js";
import { readMergeInputs } from "../merge/inputs.js";
import { mergeSources } from "../manifest/layout.js";
import { mergedInputs } from "../plan/merge-rules.js";
import type { MergeStep } from "../plan/types.js";
import { writeAtomically } from "../outputs/write-output.js";
import type { Emit, RunSummary } from "./events.js";
import type { Journal } from "./journal.js";
import { writeThrough, type StoreLink } from "./store-link.js";

export interface MergeContext {
  journal: Journal;
  outDir: string;
  emit: Emit;
  summary: RunSummary;
  store?: StoreLink;
  signal: AbortSignal;
  /** Characters with a unit that did not land this run (its own line says why): not merged now. */
  unlanded: ReadonlySet<string>;
  onFileWritten?: (absPath: string, facts: { size: number; mtimeMs: number; sha256: string }) => void;
}

/** Runs the plan's merge steps, one character at a time (each is CPU work of tens of ms). */
export async function runMerges(
  steps: readonly MergeStep[],
  characters: ReadonlyMap<string, ResolvedCharacter>,
  c: MergeContext,
): Promise<void> {
  for (const step of steps) {
    if (c.signal.aborted) return;
    // Its merge would read a file that is not there, or not the one recorded: the build that lands the unit merges it.
    if (c.unlanded.has(step.character)) continue;
    try {
      // Prunes are the build's last part (src/app/prune.ts), with the other prunes.
      if (step.action === "merge") await merge(step, characters.get(step.character), c);
    } catch (err) {
      c.summary.failed += 1;
      c.emit({ type: "merge:failed", key: step.key, message: err instanceof Error ? err.message : String(err) });
    }
  }
}

async function merge(step: MergeStep, character: ResolvedCharacter | undefined, c: MergeContext): Promise<void> {
  const lock = c.journal.character(step.character);
  const inputs = character && mergedInputs(character, lock);
  // A unit that did not build is reported as such; its character is merged by the build that makes it.
  if (!character?.merge || !inputs) return;
  const sources = mergeSources(character.name, character.actions);
  const clips = inputs.clips.map((i) => sources.clips.find((s) => s.name === i.name)!);
  const read = await readMergeInputs(c.outDir, { rig: sources.rig, clips });
  // Merge only the bytes the lockfile records: a file changed by hand would otherwise pass as a recorded input.
  const expected = [inputs.rig, ...inputs.clips.map((x) => x.sha256)];
  [read.rig, ...read.clips].forEach((f, i) => {
    if (createHash("sha256").update(f.bytes).digest("hex") !== expected[i]) {
      throw new Error(
        `not merged: ${f.source} is not the file characters.lock records (\`rigup verify\` finds such files; the next build repairs them)`,
      );
    }
  });
  // Loaded on demand: glTF-Transform and its image stack cost a build or pull with nothing to merge ~0.1 s.
  const { mergeCharacter } = await import("../merge/merge-character.js");
  const { glb, report } = await mergeCharacter(read.rig, read.clips, {
    rootMotion: inputs.root_motion,
    resample: inputs.resample,
    meshopt: inputs.meshopt,
  });
  const abs = join(c.outDir, ...step.path.split("/"));
  const body = (async function* () {
    yield glb;
  })();
  const result = await writeAtomically(c.outDir, abs, { body, contentLength: glb.byteLength }, "glb");
  const record = { path: step.path, size: result.size, sha256: result.sha256 };
  await c.journal.merged(step.character, {
    digest: digestOf(inputs),
    inputs,
    file: await writeThrough(c.store, c.summary, step, abs, record, c.signal),
  });
  c.onFileWritten?.(abs, result);
  c.summary.merged += 1;
  c.summary.filesWritten += 1;
  c.summary.bytesWritten += result.size;
  const notes = [
    ...report.clips
      .filter((x) => x.unmapped.length > 0)
      .map((x) => `clip ${x.name}: ${x.unmapped.length} channels target no joint of the rig (${x.unmapped.join(", ")})`),
    ...report.scaleQuirks.map((q) => `clip ${q.clip}: joint ${q.joint}'s rest scale is ${q.factor.toFixed(3)}× the rig's`),
  ];
  c.emit({ type: "merge:done", key: step.key, path: step.path, size: result.size, clips: inputs.clips.length, notes });
}
