/**
 * The three.js files the page imports, served from the installed `three`
 * package (a runtime dependency) so the preview works offline.
 */
import { createRequire } from "node:module";
import path from "node:path";

/** URL prefix of the three.js files, in the server and in a static export alike. */
export const VENDOR_PREFIX = "vendor/three/";

/**
 * Package-relative paths: the entry points the page imports and their relative
 * imports (test/preview/vendor.test.ts checks that the list is closed).
 */
export const THREE_FILES: readonly string[] = [
  "build/three.module.js",
  "build/three.core.js",
  "examples/jsm/loaders/GLTFLoader.js",
  "examples/jsm/utils/BufferGeometryUtils.js",
  "examples/jsm/utils/SkeletonUtils.js",
  "examples/jsm/controls/OrbitControls.js",
  // Merged files may be meshopt-compressed (src/merge/).
  "examples/jsm/libs/meshopt_decoder.module.js",
];

/** The installed package's directory. three's `exports` hides package.json, so resolve its main entry. */
export function threeDir(): string {
  const main = createRequire(import.meta.url).resolve("three"); // <dir>/build/three.cjs
  return path.dirname(path.dirname(main));
}
