/**
 * examples/ci/github-actions.yml: valid YAML, shaped as documented (cache by
 * `rigup cache-key`, frozen build, the lockfile uploaded in its own always()
 * step, a 3-shard matrix and a merge job), and every rigup command and flag it
 * runs exists in rigup's own --help.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import { runCli } from "../helpers/cli.js";

const FILE = fileURLToPath(new URL("../../examples/ci/github-actions.yml", import.meta.url));
const STORE_FILE = fileURLToPath(new URL("../../examples/ci/github-actions-store.yml", import.meta.url));

interface Step {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  strategy?: { "fail-fast"?: boolean; matrix: Record<string, unknown[]> };
  steps: Step[];
}

async function workflow(file = FILE): Promise<{ jobs: Record<string, Job> }> {
  const doc = parseDocument(await readFile(file, "utf8"));
  expect(doc.errors).toEqual([]);
  return doc.toJS() as { jobs: Record<string, Job> };
}

/** `npx rigup lock merge a b` -> { command: ["lock", "merge"], flags: [] }; commands are the leading words. */
function rigupCalls(run: string): { command: string[]; flags: string[] }[] {
  return [...run.matchAll(/npx rigup ([^\n|;&)]*)/g)].map((m) => {
    const words = m[1]!.trim().split(/\s+/);
    const command = [];
    for (const w of words) {
      if (!/^[a-z][a-z-]*$/.test(w)) break;
      command.push(w);
    }
    return { command, flags: words.filter((w) => w.startsWith("-")).map((f) => f.split("=")[0]!) };
  });
}

const stepIndex = (job: Job, test: (s: Step) => boolean) => {
  const i = job.steps.findIndex(test);
  expect(i, "step present").toBeGreaterThanOrEqual(0);
  return i;
};

describe.each([
  [FILE, ["build", "build", "cache-key", "check", "lock merge"]],
  [STORE_FILE, ["build", "build", "check", "pull", "push"]],
])("%s", (file, commands) => {
  it("every rigup command and flag it runs exists in `rigup <command> --help`", async () => {
    const { jobs } = await workflow(file);
    const calls = Object.values(jobs).flatMap((j) => j.steps.flatMap((s) => (s.run ? rigupCalls(s.run) : [])));
    expect(calls.map((c) => c.command.join(" ")).sort()).toEqual(commands);
    const top = await runCli(["--help"], { cwd: process.cwd() });
    for (const { command, flags } of calls) {
      expect(top.stdout).toMatch(new RegExp(`^\\s+${command[0]}\\b`, "m"));
      const help = await runCli([...command, "--help"], { cwd: process.cwd() });
      expect(help.code).toBe(0);
      expect(help.stdout).toContain(`Usage: rigup ${command.join(" ")} `);
      for (const flag of flags) expect(help.stdout, `rigup ${command.join(" ")} ${flag}`).toMatch(new RegExp(`(^|[\\s,])${flag}\\b`, "m"));
    }
  });
});

describe("examples/ci/github-actions.yml", () => {
  it("push/PR job: key from `rigup cache-key`, restore, `build --frozen`, save, and the lockfile uploaded in its own always() step", async () => {
    const job = (await workflow()).jobs["frozen-build"]!;
    const key = stepIndex(job, (s) => /npx rigup cache-key\)"? >> "\$GITHUB_OUTPUT"/.test(s.run ?? ""));
    const keyId = job.steps[key]!.id!;
    const restore = stepIndex(job, (s) => s.uses?.startsWith("actions/cache/restore@") ?? false);
    const build = stepIndex(job, (s) => /npx rigup build --frozen\b/.test(s.run ?? ""));
    const save = stepIndex(job, (s) => s.uses?.startsWith("actions/cache/save@") ?? false);
    const upload = stepIndex(job, (s) => s.uses?.startsWith("actions/upload-artifact@") ?? false);
    expect([key, restore, build, save].every((v, i, a) => i === 0 || a[i - 1]! < v)).toBe(true);
    for (const i of [restore, save]) expect(job.steps[i]!.with!.key).toBe(`\${{ steps.${keyId}.outputs.key }}`);
    expect(job.steps[build]!.run).not.toMatch(/--yes/);
    expect(job.steps[upload]).toMatchObject({ if: "always()", with: { path: "characters.lock" } });
    expect(job.steps[upload]!.run).toBeUndefined();
  });

  it("dispatch jobs: a 3-shard matrix uploading each lockfile always, then a merge job that runs even after a failed shard", async () => {
    const { jobs } = await workflow();
    const shard = jobs["build-shard"]!;
    expect(shard.strategy).toMatchObject({ "fail-fast": false, matrix: { shard: [1, 2, 3] } });
    const build = stepIndex(shard, (s) => (s.run ?? "").includes("npx rigup build --shard ${{ matrix.shard }}/3"));
    const upload = stepIndex(shard, (s) => s.if === "always()" && s.with?.path === "characters.lock");
    expect(upload).toBeGreaterThan(build);
    expect(shard.steps[upload]!.with!.name).toBe("characters-lock-shard-${{ matrix.shard }}");

    const merge = jobs["merge-lockfiles"]!;
    expect(merge.needs).toBe("build-shard");
    expect(merge.if).toMatch(/^always\(\) && /);
    const download = stepIndex(merge, (s) => s.uses?.startsWith("actions/download-artifact@") ?? false);
    expect(merge.steps[download]!.with).toMatchObject({ pattern: "characters-lock-shard-*", path: "shards" });
    const run = stepIndex(merge, (s) => (s.run ?? "").includes("npx rigup lock merge shards/*/characters.lock"));
    expect(run).toBeGreaterThan(download);
    expect(merge.steps.at(-1)).toMatchObject({ if: "always()", with: { name: "characters-lock", path: "characters.lock" } });
  });
});

describe("examples/ci/github-actions-store.yml", () => {
  it("push/PR job: pull from the store with no Meshy key, then a frozen build only if the pull fell short, then check; the lockfile kept always()", async () => {
    const job = (await workflow(STORE_FILE)).jobs["frozen-build"]!;
    const pull = stepIndex(job, (s) => s.run === "npx rigup pull");
    const build = stepIndex(job, (s) => /npx rigup build --frozen\b/.test(s.run ?? ""));
    const check = stepIndex(job, (s) => s.run === "npx rigup check");
    const upload = stepIndex(job, (s) => s.uses?.startsWith("actions/upload-artifact@") ?? false);
    expect(pull < build && build < check).toBe(true);
    expect(job.steps[pull]).toMatchObject({ "continue-on-error": true });
    expect((job.steps[pull] as { env?: Record<string, string> }).env?.MESHY_API_KEY).toBeUndefined();
    expect(job.steps[build]!.if).toBe(`steps.${job.steps[pull]!.id}.outcome != 'success'`);
    expect(job.steps[build]!.run).not.toMatch(/--yes/);
    expect(job.steps[upload]).toMatchObject({ if: "always()", with: { path: "characters.lock" } });
    // No cache action: the store is the cache.
    expect(job.steps.some((s) => s.uses?.startsWith("actions/cache"))).toBe(false);
  });

  it("store credentials come from the standard chain (an OIDC role), never from the rigup config or the command line", async () => {
    const { jobs } = await workflow(STORE_FILE);
    for (const job of Object.values(jobs)) {
      const creds = stepIndex(job, (s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@") ?? false);
      const first = stepIndex(job, (s) => /npx rigup /.test(s.run ?? ""));
      expect(creds).toBeLessThan(first);
      for (const s of job.steps) expect(s.run ?? "").not.toMatch(/--store|AWS_SECRET/);
    }
  });
});
