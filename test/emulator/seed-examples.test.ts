/**
 * The curl examples of Meshy's v1 API page, pointed at the emulator, get answers of
 * the shapes the page shows. The example requests and responses were taken from the
 * page once, in page order, into test/fixtures/meshy-v1-examples.json.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { call, modelDataUri, useEmulator } from "./harness.js";

// Untyped, as the page is: the tests compare shapes.
const { responses, requests: requestBodies } = JSON.parse(
  readFileSync(new URL("../fixtures/meshy-v1-examples.json", import.meta.url), "utf8"),
);

/** Same type at every key of `example` that both have; objects recursively. */
function expectSameTypes(actual: Record<string, unknown>, example: Record<string, unknown>, path = ""): void {
  for (const [k, v] of Object.entries(example)) {
    if (!(k in actual)) continue;
    const a = actual[k];
    expect(a === null ? "null" : typeof a, `${path}${k}`).toBe(v === null ? "null" : typeof v);
    if (v && typeof v === "object") expectSameTypes(a as Record<string, unknown>, v as Record<string, unknown>, `${path}${k}.`);
  }
}

describe("API page examples", () => {
  it("has the page's examples", () => {
    // create rig, get rig, create animation, get animation
    expect(responses).toHaveLength(4);
    expect(requestBodies).toHaveLength(2);
  });

  it("rigging: POST then GET answer like the page", async () => {
    const emu = await useEmulator();
    const [createExample, taskExample] = responses;
    const body = { ...requestBodies[0], model_url: await modelDataUri() };
    const created = await call(emu, "POST", "/openapi/v1/rigging", body);
    expect(created.status).toBe(202);
    expect(Object.keys(created.json)).toEqual(Object.keys(createExample));
    expectSameTypes(created.json, createExample);

    const task = (await call(emu, "GET", `/openapi/v1/rigging/${created.json.result}`)).json;
    for (const key of Object.keys(taskExample)) expect(task, key).toHaveProperty(key);
    expectSameTypes(task, taskExample);
    expect(Object.keys(task.result.basic_animations).sort()).toEqual(Object.keys(taskExample.result.basic_animations).sort());
    // The page's URLs end in these file names; ours too.
    const fileOf = (url: string) => new URL(url).pathname.split("/").pop();
    expect(fileOf(task.result.rigged_character_fbx_url)).toBe(fileOf(taskExample.result.rigged_character_fbx_url));
    for (const [k, url] of Object.entries(taskExample.result.basic_animations as Record<string, string>)) {
      expect(fileOf(task.result.basic_animations[k]), k).toBe(fileOf(url));
    }
  });

  it("animations: POST then GET answer like the page", async () => {
    const emu = await useEmulator();
    const [, , createExample, taskExample] = responses;
    const rig = (await call(emu, "POST", "/openapi/v1/rigging", { model_url: await modelDataUri() })).json.result;
    const created = await call(emu, "POST", "/openapi/v1/animations", { ...requestBodies[1], rig_task_id: rig });
    expect(created.status).toBe(202);
    expect(Object.keys(created.json)).toEqual(Object.keys(createExample));

    const task = (await call(emu, "GET", `/openapi/v1/animations/${created.json.result}`)).json;
    for (const key of Object.keys(taskExample)) expect(task, key).toHaveProperty(key);
    expectSameTypes(task, taskExample);
    // The example lists every post-process output; a change_fps request yields its own one.
    expect(Object.keys(taskExample.result)).toEqual(expect.arrayContaining(Object.keys(task.result)));
    expect(new URL(task.result.processed_animation_fps_fbx_url).pathname).toMatch(/\/processed_60fps\.fbx$/);
  });
});
