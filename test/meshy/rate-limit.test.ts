import { Agent } from "undici";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { RateLimiter } from "../../src/meshy/rate-limit.js";
import { SUCCEEDED_RIG, json, makeClient, startServer } from "./helpers.js";

/** A limiter on a fake clock that advances only when the limiter sleeps. */
function fakeClockLimiter(limit: number) {
  let now = 0;
  const limiter = new RateLimiter({
    limit,
    now: () => now,
    sleep: async (ms) => {
      // Let granted callers run (and read the clock) before time moves on.
      await new Promise((r) => setImmediate(r));
      now += ms;
    },
  });
  return { limiter, now: () => now };
}

/** Max arrivals in any window of `windowMs` (half-open), given sorted times. */
function maxInWindow(times: number[], windowMs: number): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

describe("RateLimiter", () => {
  it("never grants more than `limit` in any window, in FIFO order", async () => {
    expect.assertions(3);
    const { limiter, now } = fakeClockLimiter(3);
    const grants: [number, number][] = [];
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.acquire().then(() => grants.push([i, now()]))));
    expect(grants.map(([i]) => i)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(grants.map(([, t]) => t)).toEqual([0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
    expect(
      maxInWindow(
        grants.map(([, t]) => t),
        1000,
      ),
    ).toBe(3);
  });

  it("removes an aborted waiter without disturbing the others", async () => {
    expect.assertions(4);
    let now = 0;
    let release = () => {};
    const limiter = new RateLimiter({
      limit: 1,
      now: () => now,
      sleep: () => new Promise<void>((r) => (release = r)),
    });
    await limiter.acquire();
    const ac = new AbortController();
    const aborted = limiter.acquire(ac.signal);
    const other = limiter.acquire();
    expect(limiter.pending).toBe(2);
    ac.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    expect(limiter.pending).toBe(1);
    now = 1000;
    release();
    await expect(other).resolves.toBeUndefined();
  });

  it("rejects a bad limit", () => {
    expect(() => new RateLimiter({ limit: 0 })).toThrow(RangeError);
  });

  it("paces a burst of real requests: at most N leave in any 1 s", async () => {
    expect.assertions(3);
    const api = await startServer((_, res) => json(res, 200, SUCCEEDED_RIG));
    // Send times are taken at dispatch: server arrival times bunch under CPU load.
    const sent: number[] = [];
    const agent = new Agent();
    onTestFinished(() => agent.close());
    const dispatcher = agent.compose((dispatch) => (opts, handler) => {
      sent.push(performance.now());
      return dispatch(opts, handler);
    });
    const { client } = makeClient(api.url, { requestsPerSecond: 4, dispatcher });
    await Promise.all(Array.from({ length: 10 }, () => client.getTask("rig", "rig-1")));
    expect(api.hits).toHaveLength(10);
    // The limiter is exact at grant time (see the fake-clock test); dispatch adds a few ms of jitter.
    expect(maxInWindow(sent, 950)).toBeLessThanOrEqual(4);
    // 10 requests at 4/s need two full windows.
    expect(sent[9]! - sent[0]!).toBeGreaterThanOrEqual(1950);
  });

  it("is shared by every API call of a client; asset downloads and their redirects are not API requests and skip it", async () => {
    expect.assertions(3);
    const assets = await startServer((hit, res) => {
      if (hit.n === 1) {
        res.writeHead(302, { location: "/real.glb" });
        return void res.end();
      }
      res.end("glb");
    });
    const api = await startServer((hit, res) => {
      if (hit.url.endsWith("/stream")) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        return void res.end(`data: ${JSON.stringify(SUCCEEDED_RIG)}\n\n`);
      }
      json(res, hit.method === "POST" ? 202 : 200, hit.method === "POST" ? { result: "rig-1" } : SUCCEEDED_RIG);
    });
    const limiter = new RateLimiter({ limit: 100 });
    const acquire = vi.spyOn(limiter, "acquire");
    const { client } = makeClient(api.url, { rateLimiter: limiter });
    await client.createRig({ source: { kind: "task", taskId: "t" }, heightMeters: 1.7 });
    await client.waitForTask("rig", "rig-1");
    await client.getTask("rig", "rig-1");
    const asset = await client.fetchAsset(`${assets.url}/x.glb`);
    for await (const _ of asset.body) void _;
    expect(client.rateLimiter).toBe(limiter);
    expect(assets.hits).toHaveLength(2);
    expect(acquire).toHaveBeenCalledTimes(api.hits.length);
  });
});
