/** `rigup init`: a starter characters.yaml and the git conventions around it. Never overwrites; an existing manifest is kept. */
import path from "node:path";
import { initProject, type InitResult } from "../init/index.js";

export interface InitRepoOptions {
  /** The manifest to create, relative to `cwd`. */
  manifest: string;
  cwd: string;
  /** Output dir relative to the manifest. */
  outDir: string;
  /** Commit the outputs instead of ignoring them. */
  commitOutputs: boolean;
}

export function initRepo(o: InitRepoOptions): Promise<InitResult> {
  return initProject({ manifestFile: path.resolve(o.cwd, o.manifest), commitOutputs: o.commitOutputs, outDir: o.outDir });
}
