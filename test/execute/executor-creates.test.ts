/**
 * The executor's create path against a fake `MeshyApi` scripted by call: what a
 * failed create leaves in the lockfile depends on whether the request can have
 * reached Meshy, and a lost answer is matched on Meshy's clock, not ours.
 */
import { describe, expect, it } from "vitest";
import { execute } from "../../src/execute/executor.js";
import { lockJournal } from "../../src/execute/journal.js";
import { parseLockfile } from "../../src/lockfile/format.js";
import { LockStore } from "../../src/lockfile/store.js";
import { writeLockfile } from "../../src/lockfile/write.js";
import type { MeshyApi } from "../../src/meshy/api.js";
import { MeshyError } from "../../src/meshy/errors.js";
import { echoVerdict } from "../../src/meshy/requests.js";
import type { Task } from "../../src/meshy/schemas.js";
import { memFs } from "../lockfile/mem-fs.js";
import { given } from "../plan/given.js";

const FILE = "/p/characters.lock";
const SKEW = -180_000; // Meshy's clock 3 minutes behind ours

/** A Meshy whose clock is SKEW off ours; `createRig` does what the test scripts for each call. `echo`: v2's request echo. */
function fakeMeshy(createRig: (call: number) => Promise<string>, echo = false) {
  const tasks: Task[] = [];
  let calls = 0;
  const meshyNow = () => Date.now() + SKEW;
  const api = {
    serviceNow: meshyNow,
    // v1 has no request echo: the window on Meshy's clock is then the only tie.
    echoVerdict: echo ? echoVerdict : () => undefined,
    createRig: () => createRig(++calls),
    async listTasks() {
      return [...tasks].reverse();
    },
    async waitForTask(_kind: string, id: string) {
      return { id, status: "SUCCEEDED", progress: 100, created_at: meshyNow(), outputs: {} } as Task;
    },
  } as unknown as MeshyApi;
  /** A task Meshy made for a request whose answer never came back (`input`: its v2 echo). */
  const madeSilently = (id: string, input?: Record<string, unknown>) =>
    tasks.push({ id, status: "PENDING", progress: 0, created_at: meshyNow(), ...(input ? { input } : {}) } as Task);
  return { api, madeSilently, calls: () => calls };
}

async function run(api: MeshyApi) {
  const g = given().formats([]).character("knight", { source: { kind: "url", url: "https://example.com/knight.glb" } });
  const { fs } = memFs({ "/p/.keep": "" });
  await writeLockfile(FILE, g.lock, { fs });
  const store = await LockStore.open(FILE, { fs });
  const summary = await execute({
    plan: g.plan(),
    manifest: g.manifest,
    manifestDir: "/p",
    outDir: "/p/out",
    api,
    journal: lockJournal(store),
    concurrency: 2,
    sleep: async () => {},
  });
  return { summary, lock: parseLockfile(await fs.readFile(FILE, "utf8"), FILE) };
}

describe("executor creates", () => {
  it("a create that never left (connection refused, DNS, TLS) withdraws its intent: nothing to reconcile later", async () => {
    const meshy = fakeMeshy(async () => {
      throw new MeshyError("NETWORK", "POST /openapi/v1/rigging: ECONNREFUSED (after 6 attempts)");
    });
    const { summary, lock } = await run(meshy.api);
    expect(summary.failed).toBe(1);
    expect(lock.characters.knight).toBeUndefined();
  });

  it("a lost answer whose task Meshy made is adopted, though our clock runs 3 minutes ahead", async () => {
    const meshy = fakeMeshy(async () => {
      meshy.madeSilently("rig-ours");
      throw new MeshyError("UNKNOWN_OUTCOME", "POST /openapi/v1/rigging: the request was sent but its answer was lost");
    });
    const { summary, lock } = await run(meshy.api);
    expect(meshy.calls()).toBe(1);
    expect(summary.created).toBe(1);
    expect(lock.characters.knight!.rig).toMatchObject({ task_id: "rig-ours", state: "succeeded", intent_clock: "meshy" });
  });

  it("a lost answer that made nothing is sent again, at most three times", async () => {
    const meshy = fakeMeshy(async () => {
      throw new MeshyError("UNKNOWN_OUTCOME", "POST /openapi/v1/rigging: server error 500");
    });
    const { summary, lock } = await run(meshy.api);
    expect(meshy.calls()).toBe(3);
    expect(summary.failed).toBe(1);
    expect(lock.characters.knight).toBeUndefined();
  });

  it("under v2, a lost answer is tied to our task by its echo while other clients make similar rigs at the same moment", async () => {
    const meshy = fakeMeshy(async () => {
      meshy.madeSilently("teammate-goblin", { model_url: "https://example.com/goblin.glb", height_meters: 1.7 });
      meshy.madeSilently("rig-ours", { model_url: "https://example.com/knight.glb", height_meters: 1.7 });
      meshy.madeSilently("teammate-short-knight", { model_url: "https://example.com/knight.glb", height_meters: 1.1 });
      throw new MeshyError("UNKNOWN_OUTCOME", "POST /openapi/v2/rigging: the request was sent but its answer was lost");
    }, true);
    const { summary, lock } = await run(meshy.api);
    expect(meshy.calls()).toBe(1);
    expect(summary.created).toBe(1);
    expect(lock.characters.knight!.rig!.task_id).toBe("rig-ours");
  });

  it("under v1 the same three tasks are ambiguous: the unit stops, nothing is sent again", async () => {
    const meshy = fakeMeshy(async () => {
      meshy.madeSilently("teammate-goblin");
      meshy.madeSilently("rig-ours");
      throw new MeshyError("UNKNOWN_OUTCOME", "POST /openapi/v1/rigging: the request was sent but its answer was lost");
    });
    const { summary, lock } = await run(meshy.api);
    expect(meshy.calls()).toBe(1);
    expect(summary.blocked).toBe(1);
    expect(lock.characters.knight!.rig!.state).toBe("unknown");
  });
});
