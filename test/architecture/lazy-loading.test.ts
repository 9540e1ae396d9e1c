/**
 * What a command loads before it does anything: the static import closure of each
 * use case, as emitted (imports used only as types are dropped, as tsc drops them).
 * Heavy packages are reached only through `await import()`, where the work needs
 * them: the AWS SDK when a store is used, glTF-Transform (and the image stack it
 * pulls in) when a character is merged or a paid model is checked. `rigup check`,
 * a no-op build and a pull of 2,000 files pay for none of it at start-up.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.join(import.meta.dirname, "../../src");

/** Module specifiers of the static imports and re-exports `file` keeps once compiled. */
function staticImports(file: string): string[] {
  const { outputText } = ts.transpileModule(readFileSync(file, "utf8"), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    fileName: file,
  });
  const out = ts.createSourceFile(file, outputText, ts.ScriptTarget.ES2022);
  return out.statements.flatMap((s) =>
    (ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier && ts.isStringLiteral(s.moduleSpecifier)
      ? [s.moduleSpecifier.text]
      : [],
  );
}

/** Every source file and package `entry` loads statically, with the chain that reaches each package. */
function closure(entry: string): Map<string, string[]> {
  const packages = new Map<string, string[]>();
  const seen = new Set<string>();
  const walk = (file: string, chain: string[]): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith(".") && spec.endsWith(".json")) continue; // data, no imports of its own
      if (spec.startsWith(".")) {
        const target = path.resolve(path.dirname(file), spec).replace(/\.js$/, ".ts");
        if (!existsSync(target)) throw new Error(`${path.relative(SRC, file)} imports ${spec}, which does not exist`);
        walk(target, [...chain, path.relative(SRC, target)]);
      } else if (!spec.startsWith("node:")) {
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        if (!packages.has(name)) packages.set(name, chain);
      }
    }
  };
  walk(path.join(SRC, entry), [entry]);
  return packages;
}

const HEAVY = /^(@aws-sdk\/|@smithy\/|@gltf-transform\/|sharp$|meshoptimizer$|ndarray)/;

describe("start-up loads no heavy package statically", () => {
  it.each([
    "app/check.ts",
    "app/build-project.ts",
    "app/project.ts",
    "app/build.ts",
    "app/pull.ts",
    "app/push.ts",
    "app/plan.ts",
    "app/status.ts",
    "app/verify.ts",
    "app/prune.ts",
    "cli/main.ts",
  ])("%s", (entry) => {
    const heavy = [...closure(entry)].filter(([name]) => HEAVY.test(name)).map(([name, chain]) => `${name} via ${chain.join(" → ")}`);
    expect(heavy).toEqual([]);
  });

  it("sees through to the packages a module really loads (the walk itself)", () => {
    // The merger needs glTF-Transform at once: the walk must find it there.
    expect([...closure("merge/merge-character.ts").keys()]).toEqual(expect.arrayContaining(["@gltf-transform/functions", "meshoptimizer"]));
    // The S3 store takes the SDK only as types: nothing of it is loaded by that file.
    expect([...closure("store/s3.ts").keys()].filter((n) => HEAVY.test(n))).toEqual([]);
  });
});
