/**
 * A game repo built once against a real emulator on 127.0.0.1, for the commands
 * that read what a build left (check, status, verify, prune, cache-key).
 */
import { createServer, type AddressInfo } from "node:net";
import { afterEach } from "vitest";
import { startEmulator, type Emulator } from "../../src/emulator/index.js";
import { runCli } from "../helpers/cli.js";
import { heroGoblinManifest, tempProject, type TempProject } from "../helpers/project.js";

export const MANIFEST = (opts: { heroHeight?: number; heroActions?: string; goblin?: boolean } = {}) =>
  heroGoblinManifest({ ...opts, goblinActions: opts.goblin === false ? false : "[{ action_id: 92, name: swing }]" });

export interface Built {
  project: TempProject;
  emulator: Emulator;
  env: Record<string, string>;
  run(...args: string[]): ReturnType<typeof runCli>;
}

let emulators: Emulator[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  emulators = [];
});

/** Writes MANIFEST(), builds it with `rigup build --yes`, and returns a runner in that dir. */
export async function builtProject(): Promise<Built> {
  const emulator = await startEmulator({ speed: "instant", rateLimit: 0 });
  emulators.push(emulator);
  const project = await tempProject({ "characters.yaml": MANIFEST() });
  await project.model("models/hero.glb", 1.8);
  await project.model("models/goblin.glb", 1.1);
  const env = { MESHY_API_BASE: emulator.url, MESHY_API_KEY: emulator.apiKey };
  const run = (...args: string[]) => runCli(args, { cwd: project.dir, env });
  const build = await run("build", "--yes");
  if (build.code !== 0) throw new Error(`build failed (${build.code}):\n${build.stderr}`);
  return { project, emulator, env, run };
}

/** An environment whose MESHY_API_BASE is a loopback port nothing listens on: any request would fail. */
export async function offlineEnv(): Promise<Record<string, string>> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { MESHY_API_BASE: `http://127.0.0.1:${port}`, MESHY_API_KEY: "msy_test_key_never_sent" };
}
