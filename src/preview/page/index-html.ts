/**
 * The page shell. The import map points `three` and `three/addons/` at the copy
 * served from the installed package (vendor.ts): offline, no CDN. Every URL is
 * relative, so a static export works from any directory on any static server.
 */
import { VENDOR_PREFIX } from "../vendor.js";

const IMPORT_MAP = {
  imports: {
    three: `./${VENDOR_PREFIX}build/three.module.js`,
    "three/addons/": `./${VENDOR_PREFIX}examples/jsm/`,
  },
};

/**
 * Opened from disk (a `--static` export double-clicked), browsers refuse the page's
 * modules and its fetch of preview.json: a classic inline script, which they do
 * run there, says how to serve the folder instead of "Loading…" forever.
 */
const FROM_DISK = `if (location.protocol === "file:") {
  var dir = decodeURIComponent(location.pathname.replace(/[^/]*$/, ""));
  var note = document.querySelector("[data-testid=summary]");
  note.textContent = "Browsers do not run this page from disk (file://). Serve its folder over HTTP and open the address it prints, e.g. ";
  var command = document.createElement("code");
  command.textContent = "python3 -m http.server -d '" + dir + "'";
  note.append(command, " (or npx http-server, or rigup preview in the game repo).");
}`;

// The empty data: icon stops the browser asking for /favicon.ico.
export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rigup preview</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="./style.css">
<script type="importmap">${JSON.stringify(IMPORT_MAP)}</script>
<script type="module" src="./app.js"></script>
</head>
<body>
<header><h1>rigup preview</h1><p data-testid="summary">Loading…</p></header>
<main data-testid="grid"></main>
<script>${FROM_DISK}</script>
</body>
</html>
`;
