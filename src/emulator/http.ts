/** Response helpers: JSON with Content-Length, `{"message"}` error bodies, CDN-style HTML errors. API errors go through errors.ts. */
import type { ServerResponse } from "node:http";

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text ? { "Content-Type": "application/json" } : {}),
    "Content-Length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** A `{"message": "..."}` body, as Meshy's v1 errors (docs/meshy-api.md §5.1); the admin endpoints and the asset host use it. */
export function sendError(res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, status, { message }, headers);
}

/** Expired or forged asset URLs get an HTML page, as S3/CloudFront answer (docs/meshy-api.md §6.4). */
export function sendHtml(res: ServerResponse, status: number, title: string, detail: string): void {
  const html = `<!DOCTYPE html>\n<html><head><title>${status} ${title}</title></head><body><h1>${status} ${title}</h1><p>${detail}</p></body></html>\n`;
  res.writeHead(status, { "Content-Type": "text/html; charset=utf-8", "Content-Length": String(Buffer.byteLength(html)) });
  res.end(html);
}
