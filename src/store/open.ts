/**
 * From the store setting (README "Team store") to an ObjectStore. The only place
 * that loads the AWS SDK, on demand: a command that never touches an S3 store does
 * not pay for loading it.
 */
import { createRequire } from "node:module";
import { isAbsolute, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { FolderObjectStore } from "./folder.js";
import type { StoreSettings } from "../config/schema.js";
import type { ObjectStore } from "./object-store.js";
import type { S3ObjectStore, S3Sdk, S3StoreOptions } from "./s3.js";

export type ParsedStoreUrl = { kind: "s3"; bucket: string; prefix: string } | { kind: "folder"; path: string };

/**
 * @throws Error (plain: a setting the user wrote) for anything but `s3://bucket[/prefix]`,
 * `file:///abs/path` or a path.
 */
export function parseStoreUrl(url: string): ParsedStoreUrl {
  const shown = hideUserinfo(url);
  if (url.trim() === "") throw new Error("the store setting is empty; expected s3://bucket[/prefix], file:///path or a folder path");
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "s3") return parseS3(url, shown);
  if (scheme === "file") {
    let path: string;
    try {
      path = fileURLToPath(url);
    } catch (err) {
      throw new Error(`store ${shown}: not a usable file URL (${(err as Error).message}); expected file:///absolute/path`, { cause: err });
    }
    return { kind: "folder", path };
  }
  if (scheme !== undefined)
    throw new Error(`store ${shown}: unsupported scheme ${scheme}://; expected s3://bucket[/prefix], file:///path or a folder path`);
  return { kind: "folder", path: url };
}

/** Opens the store; a folder path is relative to `baseDir`. Nothing is contacted yet. */
export async function openStore(s: StoreSettings, baseDir: string): Promise<ObjectStore> {
  const parsed = parseStoreUrl(s.url);
  if (parsed.kind === "folder") return new FolderObjectStore(isAbsolute(parsed.path) ? parsed.path : resolve(baseDir, parsed.path));
  return openS3Store({
    bucket: parsed.bucket,
    prefix: parsed.prefix,
    region: s.region,
    endpoint: s.endpoint,
    forcePathStyle: s.forcePathStyle,
  });
}

/** An S3 store with every option (tests lower `maxAttempts`); loads the SDK. */
export async function openS3Store(options: S3StoreOptions): Promise<S3ObjectStore> {
  if (options.endpoint !== undefined) checkEndpoint(options.endpoint);
  // rigup pins an SDK release that supports its own engines (Node >= 20.19); the SDK's notice that
  // later releases need Node 22 is about versions this install does not use, and would land in rigup's output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // require, not import(): the SDK ships CommonJS, and import() would first scan its 1 MB entry file
  // for named exports (Node's cjs-module-lexer), about 80 ms of every store command's start.
  const s3 = createRequire(import.meta.url)("@aws-sdk/client-s3") as S3Sdk["s3"];
  const { S3ObjectStore } = await import("./s3.js");
  return new S3ObjectStore(options, { s3 });
}

function parseS3(url: string, shown: string): ParsedStoreUrl {
  const rest = url.slice("s3://".length);
  if (/[?#]/.test(rest)) throw new Error(`store ${shown}: an S3 store URL has no query or fragment; expected s3://bucket[/prefix]`);
  const slash = rest.indexOf("/");
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  if (bucket.includes("@"))
    throw new Error(
      `store ${shown}: credentials do not belong in the store URL; rigup takes them from the AWS environment (AWS_PROFILE, AWS_ACCESS_KEY_ID, ...)`,
    );
  if (bucket === "") throw new Error(`store ${shown}: no bucket; expected s3://bucket[/prefix]`);
  const why = bucketProblem(bucket);
  if (why) throw new Error(`store ${shown}: ${JSON.stringify(bucket)} is not a valid bucket name (${why})`);
  const prefix = slash < 0 ? "" : rest.slice(slash + 1).replace(/\/+$/, "");
  if (prefix !== "" && prefix.split("/").some((s) => s === "" || s === "." || s === "..")) {
    throw new Error(`store ${shown}: the prefix ${JSON.stringify(prefix)} has an empty, '.' or '..' part`);
  }
  if (prefix.includes("\\")) throw new Error(`store ${shown}: the prefix has a backslash; S3 prefixes are '/'-separated`);
  return { kind: "s3", bucket, prefix };
}

/** S3's naming rules (general-purpose buckets), which R2 and MinIO share. */
function bucketProblem(bucket: string): string | undefined {
  if (bucket.length < 3 || bucket.length > 63) return "3 to 63 characters";
  if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(bucket))
    return "lowercase letters, digits, '.' and '-', starting and ending with a letter or digit";
  if (bucket.includes("..")) return "no two adjacent dots";
  if (/^\d+\.\d+\.\d+\.\d+$/.test(bucket)) return "not an IP address";
  return undefined;
}

function checkEndpoint(endpoint: string): void {
  let u: URL;
  try {
    u = new URL(endpoint);
  } catch {
    throw new Error(`store endpoint ${hideUserinfo(endpoint)}: not a URL; expected e.g. https://minio.example.com:9000`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error(`store endpoint ${u.origin}: expected an http:// or https:// URL`);
  if (u.username !== "" || u.password !== "") {
    throw new Error(`store endpoint ${u.origin}: credentials do not belong in the endpoint; rigup takes them from the AWS environment`);
  }
  if (u.search !== "" || u.hash !== "") throw new Error(`store endpoint ${u.origin}: an endpoint has no query or fragment`);
}

/** Never echo a `user:secret@` someone pasted into a URL. */
function hideUserinfo(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, "$1…@");
}
