/**
 * The preview's HTTP server: the page's assets, the three.js files it imports,
 * the model, and files of the output tree. Nothing else: no directory listing,
 * no path outside the tree (safe-path.ts), loopback only. The model is read
 * from the tree on every request, so reloading the page after a build shows it.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { contentType, MODEL_FILE, modelText, PAGE_FILES } from "./assets.js";
import { FILES_PREFIX, type PreviewModel } from "./index.js";
import { resolveInside, splitUrlPath } from "./safe-path.js";
import { THREE_FILES, VENDOR_PREFIX, threeDir } from "./vendor.js";

export interface PreviewServerOptions {
  outDir: string;
  /** The model as the tree is now; called for every request of the page's data. */
  loadModel: () => Promise<PreviewModel>;
  /** 0 (default): a free port. */
  port?: number;
}

export interface PreviewServer {
  /** `http://127.0.0.1:<port>/` */
  url: string;
  close(): Promise<void>;
}

/** @example const { url, close } = await startPreviewServer({ outDir, loadModel: async () => model }); */
export async function startPreviewServer(opts: PreviewServerOptions): Promise<PreviewServer> {
  const three = threeDir();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) send(res, 500, `internal error: ${error.message}\n`);
      else res.destroy(error);
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.method !== "GET" && req.method !== "HEAD") {
      res.setHeader("Allow", "GET, HEAD");
      return send(res, 405, "method not allowed\n");
    }
    // A page on another site could rebind its DNS name to 127.0.0.1 and read the tree: answer only our own names.
    const host = (req.headers.host ?? "").replace(/:\d+$/, "");
    if (host !== "127.0.0.1" && host !== "localhost") return send(res, 403, "unexpected Host header\n");
    const rawPath = (req.url ?? "").split(/[?#]/)[0]!;
    if (rawPath === "/") return sendText(res, req, "index.html", PAGE_FILES.get("index.html")!);
    const segments = splitUrlPath(rawPath);
    if (!segments) return send(res, 400, "bad path\n");
    const key = segments.join("/");
    const asset = PAGE_FILES.get(key);
    if (asset !== undefined) return sendText(res, req, key, asset);
    if (key === MODEL_FILE) return sendModel(res, req);
    if (key.startsWith(VENDOR_PREFIX)) {
      const rel = key.slice(VENDOR_PREFIX.length);
      return THREE_FILES.includes(rel) ? sendFile(res, req, path.join(three, rel)) : send(res, 404, "not found\n");
    }
    if (key.startsWith(FILES_PREFIX)) {
      const real = await resolveInside(opts.outDir, segments.slice(1));
      return real ? sendFile(res, req, real) : send(res, 404, "not found\n");
    }
    return send(res, 404, "not found\n");
  }

  /** A manifest mid-edit cannot be read: the page shows why instead of a stale model. */
  async function sendModel(res: ServerResponse, req: IncomingMessage): Promise<void> {
    let text: string;
    try {
      text = modelText(await opts.loadModel());
    } catch (error) {
      return send(res, 500, `${(error as Error).message}\n`);
    }
    sendText(res, req, MODEL_FILE, text);
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function headers(res: ServerResponse, file: string, length: number): void {
  res.setHeader("Content-Type", contentType(file));
  res.setHeader("Content-Length", length);
  // The tree changes with every build: never show yesterday's clip.
  res.setHeader("Cache-Control", "no-store");
  res.setHeader("X-Content-Type-Options", "nosniff");
}

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  headers(res, ".txt", Buffer.byteLength(text));
  res.end(text);
}

function sendText(res: ServerResponse, req: IncomingMessage, file: string, text: string): void {
  headers(res, file, Buffer.byteLength(text));
  res.end(req.method === "HEAD" ? undefined : text);
}

async function sendFile(res: ServerResponse, req: IncomingMessage, file: string): Promise<void> {
  headers(res, file, (await stat(file)).size);
  if (req.method === "HEAD") return void res.end();
  await new Promise<void>((resolve, reject) => {
    createReadStream(file).on("error", reject).pipe(res).on("finish", resolve).on("error", reject);
  });
}
