/**
 * GET /assets/<task>/output/<file>?Expires=&Signature=: the CDN side. No
 * Authorization needed (signed URLs are the credential); expired or forged
 * URLs answer 403 with an HTML page, unknown or expired tasks 404.
 * Downloads can be throttled or cut off to rehearse slow and broken networks.
 */
import type { ServerResponse } from "node:http";
import { taskAssets } from "./assets.js";
import type { RequestContext } from "./context.js";
import { sendHtml } from "./http.js";

export async function serveAsset(c: RequestContext): Promise<void> {
  const { signer, clock, store, cache, faults } = c.parts;
  const { taskId, file } = c.params as { taskId: string; file: string };
  const expires = Number(c.url.searchParams.get("Expires"));
  const signature = c.url.searchParams.get("Signature") ?? "";
  const path = `/assets/${taskId}/output/${file}`;
  if (!Number.isInteger(expires) || !signer.verify(path, expires, signature)) {
    return sendHtml(c.res, 403, "Forbidden", "Access denied: the request signature is invalid.");
  }
  if (c.fault === "expired-url" || expires * 1000 <= clock.now()) {
    if (c.fault === "expired-url") faults.count("expired-url");
    return sendHtml(c.res, 403, "Forbidden", "Access denied: the request has expired.");
  }
  const task = store.get(taskId);
  const spec = task && store.state(task).status === "SUCCEEDED" ? taskAssets(task).get(file) : undefined;
  if (!task || !spec) return sendHtml(c.res, 404, "Not Found", "The specified key does not exist.");

  const bytes = await cache.get(`${taskId}/${file}`, spec.build);
  if (c.fault === "lost-answer") {
    faults.count("lost-answer");
    c.req.socket.destroy();
    return;
  }
  c.res.writeHead(200, { "Content-Type": spec.contentType, "Content-Length": String(bytes.length), "Cache-Control": "private, max-age=0" });
  const bps = faults.current.slowDownloadBps;
  if (bps > 0) faults.count("slow-download");
  await sendBody(c.res, bytes, bps, c.fault === "drop-stream" ? () => faults.count("drop-stream") : undefined);
}

/** Writes the body, at `bps` bytes/s if set; `onDrop` set = destroy the connection halfway. */
function sendBody(res: ServerResponse, bytes: Uint8Array, bps: number, onDrop?: () => void): Promise<void> {
  const cutAt = onDrop ? Math.floor(bytes.length / 2) : bytes.length;
  if (bps <= 0) {
    if (!onDrop) {
      res.end(bytes);
      return Promise.resolve();
    }
    res.write(bytes.subarray(0, cutAt));
    onDrop();
    setImmediate(() => res.destroy());
    return Promise.resolve();
  }
  const intervalMs = 50;
  const step = Math.max(1, Math.floor((bps * intervalMs) / 1000));
  let sent = 0;
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const end = Math.min(cutAt, sent + step);
      res.write(bytes.subarray(sent, end));
      sent = end;
      if (sent < cutAt) return;
      clearInterval(timer);
      if (onDrop) {
        onDrop();
        res.destroy();
      } else res.end();
      resolve();
    }, intervalMs);
    res.on("close", () => {
      clearInterval(timer);
      resolve();
    });
  });
}
