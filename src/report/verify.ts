/** `rigup verify` (outputs on disk) and `rigup verify --store` (the team store): one line per file that is not as recorded. */
import { jsonDocument, writeLines, type Output } from "./output.js";
import type { VerifyReport } from "../app/verify.js";
import type { StoreVerifyReport } from "../app/verify.js";

export function reportVerify(report: VerifyReport, out: Output): void {
  if (out.json) jsonDocument(out, report);
  const bad = report.files.filter((f) => f.status !== "ok");
  const lines = bad.map((f) =>
    f.status === "mismatch"
      ? `${f.path}: sha256 ${f.actual} but the lockfile says ${f.expected} (${f.unit})`
      : f.status === "missing"
        ? `${f.path}: missing (${f.unit})`
        : `${f.path}: refused: the lockfile path leaves the output directory (${f.unit})`,
  );
  lines.push(
    report.ok
      ? `rigup verify: all ${report.files.length} files match characters.lock.`
      : `rigup verify: ${bad.length} of ${report.files.length} files do not match characters.lock; \`rigup build\` re-downloads them.`,
  );
  writeLines(out, lines);
}

/** `hash`: the objects were read back and hashed (`--hash`). */
export function reportStoreVerify(report: StoreVerifyReport, hash: boolean | undefined, out: Output): void {
  if (out.json) jsonDocument(out, report);
  const bad = report.files.filter((f) => f.status !== "ok");
  const why = {
    missing: () => "not in the store",
    "wrong-size": (a: unknown) => `the store's copy is ${a} bytes`,
    corrupted: (a: unknown) => `the store's copy hashes to ${a}`,
  };
  const lines = bad.map(
    (f) => `${f.path}: ${why[f.status as keyof typeof why](f.actual)}, the lockfile says ${f.size} bytes, sha256 ${f.sha256} (${f.unit})`,
  );
  lines.push(
    report.ok
      ? `rigup verify --store: all ${report.files.length} recorded outputs are in ${report.store}${hash ? " and hash as recorded" : " with their sizes"}.`
      : `rigup verify --store: ${bad.length} of ${report.files.length} recorded outputs are not in ${report.store} as recorded; \`rigup push\` from a machine that has them uploads them.`,
  );
  writeLines(out, lines);
}
