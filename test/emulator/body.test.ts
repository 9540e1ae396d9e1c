/** Large create bodies: a data URI model of tens of MB is decoded once and accepted; oversize bodies answer 413. */
import { describe, expect, it } from "vitest";
import { call, useEmulator } from "./harness.js";

describe("request bodies", () => {
  it("accepts a 40 MB GLB data URI and digests the decoded bytes", async () => {
    const emu = await useEmulator();
    const bytes = Buffer.alloc(30 * 1024 * 1024, 7);
    bytes.write("glTF", 0, "latin1");
    const body = JSON.stringify({ height_meters: 1.7, model_url: `data:model/gltf-binary;base64,${bytes.toString("base64")}` });
    const r = await call(emu, "POST", "/openapi/v1/rigging", body);
    expect(r.status).toBe(202);
    const { createHash } = await import("node:crypto");
    const digest = createHash("sha256")
      .update(JSON.stringify(["rig", `sha256:${createHash("sha256").update(bytes).digest("hex")}`, 1.7, null]))
      .digest("hex");
    expect(emu.stats().tasksByInput).toEqual({ [digest]: 1 });
  });

  it("decodes escaped and percent-encoded data URIs too", async () => {
    const emu = await useEmulator();
    const b64 = Buffer.from("glTF\u0002\u0000\u0000\u0000padding!").toString("base64").replace(/\//g, "\\/");
    expect((await call(emu, "POST", "/openapi/v1/rigging", `{"model_url":"data:model/gltf-binary;base64,${b64}"}`)).status).toBe(202);
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: "data:model/gltf-binary,glTF%02%00%00%00abcdefgh" })).status).toBe(
      202,
    );
    expect((await call(emu, "POST", "/openapi/v1/rigging", { model_url: "data:model/gltf-binary;base64,@@@@" })).status).toBe(400);
  });

  it("answers 413 above maxBodyBytes", async () => {
    const emu = await useEmulator({ maxBodyBytes: 1024 });
    const r = await call(emu, "POST", "/openapi/v1/rigging", { model_url: `https://example.com/${"x".repeat(2000)}.glb` });
    expect(r.status).toBe(413);
    expect(r.json.message).toMatch(/too large/);
  });
});
