/**
 * Raw HTTP against the preview server: node:http sends the request target as
 * written, so `..` and friends reach the server (fetch() would normalise them away).
 */
import { readFile, symlink, writeFile } from "node:fs/promises";
import { request } from "node:http";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPreviewModel, type PreviewModel } from "../../src/preview/index.js";
import { startPreviewServer, type PreviewServer } from "../../src/preview/server.js";
import { exampleTree, type ExampleTree } from "./fixture.js";

const SECRET = "TOP-SECRET-CONTENT";
let tree: ExampleTree;
let server: PreviewServer;
let model: PreviewModel;

beforeAll(async () => {
  tree = await exampleTree();
  // Beside the output tree: what a traversal would be after.
  await writeFile(path.join(tree.dir, "secret.txt"), SECRET);
  await symlink(path.join(tree.dir, "secret.txt"), path.join(tree.outDir, "knight/rig/evil.glb"));
  await symlink(tree.dir, path.join(tree.outDir, "up"));
  // A symlink that stays inside the tree is fine.
  await symlink("../rig/walking.glb", path.join(tree.outDir, "knight/animations/alias.glb"));
  model = await buildPreviewModel(tree.project, tree.plan);
  server = await startPreviewServer({ outDir: tree.outDir, loadModel: async () => model, port: 0 });
});
afterAll(async () => {
  await server?.close();
  await tree?.remove();
});

interface Answer {
  status: number;
  type: string | undefined;
  body: Buffer;
}

function raw(target: string, opts: { method?: string; host?: string } = {}): Promise<Answer> {
  const { port } = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path: target,
        method: opts.method ?? "GET",
        headers: opts.host ? { Host: opts.host } : {},
        timeout: 5_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, type: res.headers["content-type"], body: Buffer.concat(chunks) }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`timeout on ${target}`)));
    req.on("error", reject);
    req.end();
  });
}

describe("preview server", () => {
  it("listens on 127.0.0.1", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  });

  it("serves the page, the model, output files and the three.js modules", async () => {
    const page = await raw("/");
    expect(page.status).toBe(200);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body.toString()).toContain('<script type="importmap">');
    expect(JSON.parse((await raw("/preview.json")).body.toString())).toEqual(model);
    expect((await raw("/app.js")).type).toMatch(/^text\/javascript/);

    const glb = await raw("/files/knight/rig/knight.glb");
    expect(glb.status).toBe(200);
    expect(glb.type).toBe("model/gltf-binary");
    expect(glb.body.equals(await readFile(path.join(tree.outDir, "knight/rig/knight.glb")))).toBe(true);
    expect((await raw("/files/knight/animations/alias.glb")).status).toBe(200);

    const three = await raw("/vendor/three/build/three.module.js");
    expect(three.status).toBe(200);
    expect(three.type).toMatch(/^text\/javascript/);
    expect((await raw("/vendor/three/examples/jsm/loaders/GLTFLoader.js")).status).toBe(200);
  });

  it("answers HEAD without a body", async () => {
    const head = await raw("/files/knight/rig/knight.glb", { method: "HEAD" });
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });

  it.each([
    ["dot-dot", "/files/../secret.txt", 400],
    ["dot-dot deeper", "/files/knight/../../secret.txt", 400],
    ["encoded dot-dot", "/files/%2e%2e/secret.txt", 400],
    ["upper-case encoded dot-dot and slash", "/files/%2E%2E%2Fsecret.txt", 400],
    ["encoded slashes", "/files/knight/..%2f..%2fsecret.txt", 400],
    ["backslashes", "/files/knight/..\\..\\secret.txt", 400],
    ["encoded backslashes", "/files/%5c..%5csecret.txt", 400],
    ["an absolute path", "/files//etc/passwd", 400],
    ["an encoded absolute path", "/files/%2Fetc%2Fpasswd", 400],
    ["a path starting with two slashes", "//etc/passwd", 400],
    ["a drive letter", "/files/C:/Windows/win.ini", 400],
    ["a NUL byte", "/files/knight/rig/knight.glb%00.txt", 400],
    ["a malformed escape", "/files/%E0%A4%A", 400],
    ["an absolute-form target", `http://127.0.0.1/../secret.txt`, 400],
    ["a symlinked file pointing outside", "/files/knight/rig/evil.glb", 404],
    ["a symlinked directory pointing outside", "/files/up/secret.txt", 404],
    ["a file outside the allowed three.js modules", "/vendor/three/package.json", 404],
    ["dot-dot out of the three.js package", "/vendor/three/build/../../../package.json", 400],
    ["a file that does not exist", "/files/knight/rig/nope.glb", 404],
    ["anything else", "/secret.txt", 404],
  ])("refuses %s", async (_, target, status) => {
    const answer = await raw(target);
    expect(answer.status).toBe(status);
    expect(answer.body.toString()).not.toContain(SECRET);
  });

  it.each(["/files", "/files/knight", "/files/knight/rig", "/files/knight/", "/vendor/three/build", "/vendor/three/"])(
    "lists no directory: %s",
    async (target) => {
      const answer = await raw(target);
      expect([400, 404]).toContain(answer.status);
      expect(answer.body.toString()).not.toMatch(/knight\.glb|walking|three\.module/);
    },
  );

  it("refuses other methods and foreign Host headers (DNS rebinding)", async () => {
    expect((await raw("/preview.json", { method: "POST" })).status).toBe(405);
    expect((await raw("/preview.json", { host: "evil.example:80" })).status).toBe(403);
    expect((await raw("/preview.json", { host: "localhost" })).status).toBe(200);
  });
});
