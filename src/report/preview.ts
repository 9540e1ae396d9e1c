/** `rigup preview`: where the static page went (and how to serve it), or where the page is served. */
import type { Output } from "./output.js";
import type { PreviewResult } from "../app/preview.js";

export function reportPreview(r: PreviewResult, out: Pick<Output, "stderr">): void {
  if (r.kind === "static") {
    out.stderr.write(
      `Wrote the preview to ${r.dir} (${r.files.length} files). Browsers do not run it from disk (file://): ` +
        `serve it over HTTP, e.g. \`python3 -m http.server -d ${r.dir}\` or \`npx http-server ${r.dir}\`.\n`,
    );
  } else {
    out.stderr.write(`Previewing ${r.characters} characters from ${r.outDir} at ${r.url} (Ctrl-C to stop)\n`);
  }
}
