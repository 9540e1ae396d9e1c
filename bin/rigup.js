#!/usr/bin/env node
// The `rigup` command. The package runs the compiled dist/ (`npm pack` builds it first).
// A source checkout runs src/ through tsx, a devDependency: `npm ci` there needs no build
// step, so the package carries no install script and the checkout never runs a stale dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/cli/bin.ts", import.meta.url);
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source.href);
} else {
  await import("../dist/cli/bin.js");
}
