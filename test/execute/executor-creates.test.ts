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
import type { Ledger, LedgerEntry } from "../../src/execute/ledger.js";
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

interface RunOptions {
  /** Renames (the last step of every lockfile write) that fail, by 1-based count. */
  failRenames?: (n: number) => boolean;
  ledger?: Ledger;
  resendUnknown?: boolean;
  /** Go on from this lockfile text (a later run), else a fresh one. */
  lockText?: string;
}

async function run(api: MeshyApi, o: RunOptions = {}) {
  const g = given()
    .formats([])
    .character("knight", { source: { kind: "url", url: "https://example.com/knight.glb" } });
  const { vol, fs: mem } = memFs({ "/p/.keep": "" });
  let renames = 0;
  const fs = new Proxy(mem, {
    get: (target, prop) =>
      prop === "rename"
        ? async (from: string, to: string) => {
            if (o.failRenames?.(++renames)) throw Object.assign(new Error("EIO: i/o error, rename"), { code: "EIO" });
            return target.rename(from, to);
          }
        : Reflect.get(target, prop),
  });
  if (o.lockText) vol.writeFileSync(FILE, o.lockText);
  else await writeLockfile(FILE, g.lock, { fs: mem });
  const store = await LockStore.open(FILE, { fs });
  const plan = plan0(g, store.lock);
  const summary = await execute({
    plan,
    manifest: g.manifest,
    manifestDir: "/p",
    lockfile: FILE,
    outDir: "/p/out",
    api,
    journal: lockJournal(store),
    ledger: o.ledger,
    resendUnknown: o.resendUnknown,
    concurrency: 2,
    sleep: async () => {},
  });
  const text = await mem.readFile(FILE, "utf8");
  return { summary, lock: parseLockfile(text, FILE), text };
}

/** The plan against the lockfile as it is on disk (a later run plans again). */
function plan0(g: ReturnType<typeof given>, lock: import("../../src/lockfile/schema.js").Lockfile) {
  g.lock = lock;
  return g.plan();
}

/** A ledger in memory, as the file one behaves. */
function memLedger(): Ledger & { lines: LedgerEntry[] } {
  const lines: LedgerEntry[] = [];
  return { lines, record: async (e) => void lines.push(e), entries: async () => [...lines] };
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

  it("--resend-unknown sends an ambiguous lost create again (the user said none of the candidates is theirs)", async () => {
    const meshy = fakeMeshy(async (call) => {
      if (call > 1) return "rig-resent";
      meshy.madeSilently("someone-a");
      meshy.madeSilently("someone-b");
      throw new MeshyError("UNKNOWN_OUTCOME", "POST /openapi/v1/rigging: the request was sent but its answer was lost");
    });
    const { lock } = await run(meshy.api, { resendUnknown: true });
    expect(meshy.calls()).toBe(2);
    expect(lock.characters.knight!.rig!.task_id).toBe("rig-resent");
  });

  it("a lockfile write failing right after a paid create is tried again; the id lands", async () => {
    const meshy = fakeMeshy(async () => "rig-paid");
    // Write 1 is the intent, write 2 the id: it fails once.
    const { summary, lock } = await run(meshy.api, { failRenames: (n) => n === 2 });
    expect(summary.failed).toBe(0);
    expect(lock.characters.knight!.rig!.task_id).toBe("rig-paid");
  });

  it("a lockfile that cannot take a paid id stops the run and names the id; the next run adopts it from the ledger, paying nothing", async () => {
    const ledger = memLedger();
    const first = fakeMeshy(async () => "rig-paid");
    const broken = await run(first.api, { ledger, failRenames: (n) => n >= 2 });
    expect(broken.summary.stopReason).toBe("lockfile");
    expect(broken.summary.failed).toBe(1);
    expect(ledger.lines.map((e) => e.task_id)).toEqual(["rig-paid"]);
    expect(broken.lock.characters.knight!.rig!.state).toBe("intent");

    const second = fakeMeshy(async () => "rig-paid-twice");
    const { lock } = await run(second.api, { ledger, lockText: broken.text });
    expect(second.calls()).toBe(0);
    expect(lock.characters.knight!.rig).toMatchObject({ task_id: "rig-paid", state: "succeeded" });
  });
});
