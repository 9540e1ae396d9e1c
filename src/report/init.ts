/** `rigup init`: each file created, updated or left alone; what to commit; what to do next. */
import path from "node:path";
import { jsonDocument, writeLines, type Output } from "./output.js";

/** init/index.ts InitResult. */
export interface InitView {
  files: Array<{ path: string; outcome: "created" | "updated" | "unchanged" | "kept"; added: string[] }>;
  commit: string[];
  ignore: string[];
}

/** `commitOutputs`: `--commit-outputs` was given. */
export function reportInit(result: InitView, { commitOutputs }: { commitOutputs: boolean }, out: Output): void {
  if (out.json) jsonDocument(out, result);
  const why = { created: "", updated: "", kept: " (exists: left as it is)", unchanged: " (has rigup's lines already)" };
  const lines = result.files.map(
    (f) =>
      `${f.outcome.padEnd(9)} ${path.relative(out.cwd, f.path) || f.path}${f.added.length ? ` (${f.added.length} lines added)` : why[f.outcome]}`,
  );
  lines.push(
    "",
    `Commit: ${result.commit.join(", ")} (characters.lock appears after the first build).`,
    `Not committed: ${result.ignore.join(", ")}.`,
  );
  if (!commitOutputs) {
    lines.push(
      "Outputs are ignored, and Meshy deletes them 3 days after each task. Keep them in a team store: `store:` in",
      "rigup.config.yaml (an S3 bucket or a shared folder; README: The team store), and a clone gets them with `rigup pull`.",
      "Without one, `rigup build --frozen` gets them only while Meshy keeps the tasks; or commit them (`rigup init --commit-outputs`, with Git LFS).",
    );
  }
  const kept = result.files[0]!.outcome === "kept";
  lines.push(
    kept
      ? "Next: `rigup plan` shows what a build would do and cost."
      : "Next: add a character to characters.yaml (`rigup actions` lists animations), then `rigup plan`.",
  );
  writeLines(out, lines);
}
