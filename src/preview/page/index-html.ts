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
</body>
</html>
`;
