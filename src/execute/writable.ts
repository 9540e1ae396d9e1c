/**
 * Before anything is spent: every folder a build writes to must take a file. A
 * read-only output tree found after the POSTs would leave paid tasks with nowhere
 * to land (their ids are kept, but the user pays in time and surprise).
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { EXIT, UserError } from "../diagnostics/errors.js";
import { errorCode } from "../fs/fs-like.js";
import { tempPathFor } from "../fs/atomic-write.js";
import { resolveInsideOut } from "../fs/inside-out.js";
import type { PlanStep } from "../plan/types.js";

/** The out-relative folders the steps that run will write into. */
export function foldersWritten(steps: readonly PlanStep[]): string[] {
  const dirs = new Set<string>();
  for (const s of steps) {
    if (s.action === "noop" || s.action === "prune") continue;
    dirs.add(s.kind === "rig" ? `${s.character}/rig` : `${s.character}/animations`);
  }
  return [...dirs].sort();
}

/** Creates each folder and a probe file in it (named as rigup's temp files, so a crash leaves nothing a sweep misses). */
export async function assertWritable(outDir: string, folders: readonly string[]): Promise<void> {
  for (const rel of folders) {
    const dir = path.join(outDir, rel);
    const probe = tempPathFor(path.join(dir, "write-probe"));
    try {
      // mkdir -p follows symlinks: only where the folder really is inside the output folder.
      if (!(await resolveInsideOut(outDir, rel)))
        throw Object.assign(new Error("leads outside the output folder"), { code: "OUTSIDE_OUT_DIR" });
      await mkdir(dir, { recursive: true });
      await writeFile(probe, "", { flag: "wx" });
      await rm(probe, { force: true });
    } catch (err) {
      throw new UserError("OUT_NOT_WRITABLE", `cannot write to ${dir} (${errorCode(err) ?? String(err)}); nothing was sent or spent`, {
        diagnostics: [{ file: dir, message: "the build would download its outputs here" }],
        hint: "make the output folder writable, or point --out (config outDir) at one that is",
        exitCode: EXIT.INVALID_INPUT,
      });
    }
  }
}
