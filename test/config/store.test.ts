/** The team store setting: flags > env > config, folders made absolute, and never a credential from a file. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { resolveSettings } from "../../src/config/load.js";
import { UserError } from "../../src/diagnostics/errors.js";

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function repo(config?: string): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "rigup-store-config-"));
  dirs.push(root);
  await mkdir(path.join(root, "game"));
  await writeFile(path.join(root, "package.json"), '{ "name": "game" }\n');
  await writeFile(path.join(root, "game/characters.yaml"), "version: 1\ncharacters: {}\n");
  if (config !== undefined) await writeFile(path.join(root, "game/rigup.config.yaml"), config);
  return root;
}

const settings = (root: string, env: Record<string, string> = {}, flags: { store?: string | false } = {}) =>
  resolveSettings({ manifestFile: "game/characters.yaml", env, cwd: root, flags });

it("reads the store from the config (a URL, or one with S3 options), a folder relative to characters.yaml", async () => {
  expect((await settings(await repo("store: s3://studio-rigup/characters\n"))).store).toEqual({ url: "s3://studio-rigup/characters" });
  const r2 = "store: { url: s3://rigup/team, endpoint: https://acct.r2.cloudflarestorage.com, region: auto, forcePathStyle: true }\n";
  expect((await settings(await repo(r2))).store).toEqual({
    url: "s3://rigup/team",
    endpoint: "https://acct.r2.cloudflarestorage.com",
    region: "auto",
    forcePathStyle: true,
  });
  const root = await repo("store: ../shared/rigup\n");
  expect((await settings(root)).store).toEqual({ url: path.join(root, "shared/rigup") });
  expect((await settings(await repo())).store).toBeUndefined();
});

it("orders --store > RIGUP_STORE > config; --no-store turns it off; a flag's folder is relative to where rigup runs", async () => {
  const root = await repo("store: s3://from-config\n");
  expect((await settings(root, { RIGUP_STORE: "s3://from-env/x" })).store).toEqual({ url: "s3://from-env/x" });
  expect((await settings(root, { RIGUP_STORE: "s3://from-env/x" }, { store: "s3://from-flag" })).store).toEqual({ url: "s3://from-flag" });
  expect((await settings(root, { RIGUP_STORE: "s3://from-env/x" }, { store: false })).store).toBeUndefined();
  expect((await settings(root, {}, { store: "team-share" })).store).toEqual({ url: path.join(root, "team-share") });
});

it("refuses credentials in the store setting (file, line, field; the secret never echoed) and a bad URL (exit 3)", async () => {
  const secret = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY";
  const err = await settings(await repo(`store:\n  url: s3://b\n  secretAccessKey: ${secret}\n`)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const e = err as UserError;
  expect(e.exitCode).toBe(3);
  expect(e.diagnostics[0]).toMatchObject({ line: 3, field: "store.secretAccessKey" });
  expect(JSON.stringify({ message: e.message, diagnostics: e.diagnostics, hint: e.hint })).not.toContain(secret);
  const bad = await settings(await repo(), { RIGUP_STORE: "http://example.com/bucket" }).then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(bad).toMatchObject({ exitCode: 3, diagnostics: [expect.objectContaining({ field: "RIGUP_STORE" })] });
});
