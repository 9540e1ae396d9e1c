/** The page's own files, by URL path, and its data: what the server answers and `--static` writes. */
import type { PreviewModel } from "./index.js";
import { APP_JS } from "./page/app-js.js";
import { INDEX_HTML } from "./page/index-html.js";
import { STYLE_CSS } from "./page/style-css.js";

/** The same for every project. */
export const PAGE_FILES: ReadonlyMap<string, string> = new Map([
  ["index.html", INDEX_HTML],
  ["app.js", APP_JS],
  ["style.css", STYLE_CSS],
]);

/** The model as the page fetches it. */
export const MODEL_FILE = "preview.json";

export function modelText(model: PreviewModel): string {
  return `${JSON.stringify(model, null, 2)}\n`;
}

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".glb": "model/gltf-binary",
  ".txt": "text/plain; charset=utf-8",
};

export function contentType(file: string): string {
  const ext = /\.[^./]+$/.exec(file)?.[0] ?? "";
  return TYPES[ext.toLowerCase()] ?? "application/octet-stream";
}
