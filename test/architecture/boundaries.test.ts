/**
 * The layer rule of eslint.config.js bites: a throwaway project with the real
 * config (copied) and a lower layer (manifest) importing a higher one (plan)
 * fails lint on that import; the same project without it lints clean.
 */
import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import { afterEach, describe, expect, it } from "vitest";

const ROOT = path.join(import.meta.dirname, "../..");

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A project with this repo's eslint.config.js, a NodeNext tsconfig and the given files. */
async function fixture(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "rigup-lint-"));
  dirs.push(dir);
  await cp(path.join(ROOT, "eslint.config.js"), path.join(dir, "eslint.config.js"));
  // The config's plugins, resolved from the fixture as from the repo.
  await symlink(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
  await writeFile(path.join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
  await writeFile(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true }, include: ["src"] }),
  );
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

/** Lint messages by file, relative to the fixture. */
async function lint(dir: string): Promise<Record<string, ESLint.LintResult["messages"]>> {
  const results = await new ESLint({ cwd: dir }).lintFiles(["src"]);
  return Object.fromEntries(results.map((r) => [path.relative(dir, r.filePath).split(path.sep).join("/"), r.messages]));
}

const PLAN = 'import { name } from "../manifest/a.js";\n\nexport function plan(): string {\n  return name;\n}\n';

describe("the layer rule", () => {
  it("fails a lower layer importing a higher one (a cycle between folders), on that import", async () => {
    const dir = await fixture({
      "src/manifest/a.ts":
        'import { plan } from "../plan/b.js";\n\nexport const name = "a";\nexport const planned = (): string => plan();\n',
      "src/plan/b.ts": PLAN,
    });
    const messages = await lint(dir);
    expect(messages["src/manifest/a.ts"]).toEqual([
      expect.objectContaining({
        ruleId: "boundaries/dependencies",
        severity: 2,
        line: 1,
        message: expect.stringMatching(/"manifest".*"plan"/),
      }),
    ]);
    expect(messages["src/plan/b.ts"]).toEqual([]); // plan may import manifest
  }, 20_000);

  it("passes the same files without the import against the arrows", async () => {
    const dir = await fixture({
      "src/manifest/a.ts": 'export const name = "a";\n',
      "src/plan/b.ts": PLAN,
    });
    expect(await lint(dir)).toEqual({ "src/manifest/a.ts": [], "src/plan/b.ts": [] });
  }, 20_000);

  it("fails a folder of src/ that is not in the layer table", async () => {
    const dir = await fixture({ "src/elsewhere/c.ts": "export const c = 1;\n" });
    expect((await lint(dir))["src/elsewhere/c.ts"]).toEqual([
      expect.objectContaining({ ruleId: "boundaries/no-unknown-files", severity: 2 }),
    ]);
  }, 20_000);
});

describe("the layer table", () => {
  /** Folder -> folders it may import, as the project's config hands them to the rule. */
  async function layers(): Promise<Map<string, string[]>> {
    const config = await new ESLint({ cwd: ROOT }).calculateConfigForFile(path.join(ROOT, "src/plan/any.ts"));
    const [, { policies }] = config?.rules?.["boundaries/dependencies"] as [unknown, { policies: Policy[] }];
    return new Map(policies.map((p) => [p.from.element.type, p.allow.to.element.type.filter((t) => t !== p.from.element.type)]));
  }
  interface Policy {
    from: { element: { type: string } };
    allow: { to: { element: { type: string[] } } };
  }

  it("names only folders it also places", async () => {
    const table = await layers();
    const unplaced = [...table].flatMap(([folder, allowed]) => allowed.filter((a) => !table.has(a)).map((a) => `${folder} -> ${a}`));
    expect(unplaced).toEqual([]);
    expect(table.size).toBeGreaterThan(10);
  });

  it("has no cycle between folders, but among the infrastructure ones", async () => {
    const table = await layers();
    const infra = new Set(["fs", "diagnostics", "async", "text"]);
    const edges = (a: string) => (table.get(a) ?? []).filter((b) => !(infra.has(a) && infra.has(b)));
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (folder: string, trail: string[]): void => {
      if (trail.includes(folder)) return void cycles.push([...trail.slice(trail.indexOf(folder)), folder].join(" -> "));
      if (done.has(folder)) return;
      for (const next of edges(folder)) visit(next, [...trail, folder]);
      done.add(folder);
    };
    for (const folder of table.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
