/** The store setting: which URLs mean what, which are refused, and what opening costs. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore, parseStoreUrl } from "../../src/store/open.js";

describe("parseStoreUrl", () => {
  it.each([
    ["s3://team-assets", { kind: "s3", bucket: "team-assets", prefix: "" }],
    ["s3://team-assets/", { kind: "s3", bucket: "team-assets", prefix: "" }],
    ["s3://team-assets/games/knight", { kind: "s3", bucket: "team-assets", prefix: "games/knight" }],
    ["s3://team-assets/games/knight/", { kind: "s3", bucket: "team-assets", prefix: "games/knight" }],
    ["s3://my.assets-1/x", { kind: "s3", bucket: "my.assets-1", prefix: "x" }],
    ["file:///mnt/share/rigup", { kind: "folder", path: "/mnt/share/rigup" }],
    ["file:///mnt/share/with%20space", { kind: "folder", path: "/mnt/share/with space" }],
    ["/mnt/share/rigup", { kind: "folder", path: "/mnt/share/rigup" }],
    ["../shared/rigup", { kind: "folder", path: "../shared/rigup" }],
    ["store", { kind: "folder", path: "store" }],
  ])("%s", (url, expected) => {
    expect(parseStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ["", /empty/],
    ["   ", /empty/],
    ["s3://", /no bucket/],
    ["s3:///games", /no bucket/],
    ["s3://ab", /not a valid bucket name.*3 to 63/],
    ["s3://Team-Assets", /not a valid bucket name.*lowercase/],
    ["s3://team_assets", /not a valid bucket name/],
    ["s3://-assets", /not a valid bucket name/],
    ["s3://team..assets", /not a valid bucket name.*adjacent dots/],
    ["s3://192.168.1.10", /not a valid bucket name.*IP/],
    [`s3://${"a".repeat(64)}`, /3 to 63/],
    ["s3://team-assets/a//b", /empty, '\.' or '\.\.' part/],
    ["s3://team-assets/../b", /empty, '\.' or '\.\.' part/],
    ["s3://team-assets/a\\b", /backslash/],
    ["s3://team-assets/x?versionId=3", /no query/],
    ["http://minio.local:9000/bucket", /unsupported scheme http:\/\//],
    ["https://team-assets.s3.amazonaws.com/x", /unsupported scheme https:\/\//],
    ["gs://team-assets", /unsupported scheme gs:\/\//],
    ["file://fileserver/share", /not a usable file URL/],
  ])("refuses %j", (url, message) => {
    expect(() => parseStoreUrl(url)).toThrow(message);
  });

  it("never echoes credentials pasted into the URL", () => {
    let message = "";
    try {
      parseStoreUrl("s3://AKIAEXAMPLEKEYID0000:very-secret-value@team-assets/x");
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/credentials do not belong in the store URL/);
    expect(message).not.toContain("very-secret-value");
    expect(message).not.toContain("AKIAEXAMPLEKEYID0000");
  });
});

describe("openStore", () => {
  it("a folder path is relative to the base folder; the label is absolute", async () => {
    const store = await openStore({ url: "../shared" }, "/work/game/project");
    expect(store.label).toBe("/work/game/shared");
    expect(store.atomicCreate).toBe(true);
    await store.close();
    const fromUrl = await openStore({ url: "file:///mnt/share/rigup" }, "/elsewhere");
    expect(fromUrl.label).toBe("/mnt/share/rigup");
  });

  it("labels an S3 store by bucket and prefix, and by the endpoint's origin only", async () => {
    const aws = await openStore({ url: "s3://team-assets/games/knight/", region: "eu-west-1" }, "/x");
    expect(aws.label).toBe("s3://team-assets/games/knight");
    expect(aws.atomicCreate).toBe(true);
    await aws.close();
    const minio = await openStore({ url: "s3://team-assets", endpoint: "http://127.0.0.1:9000/some/path", forcePathStyle: true }, "/x");
    expect(minio.label).toBe("s3://team-assets at http://127.0.0.1:9000");
    await minio.close();
  });

  it("refuses an endpoint carrying credentials or a query, without echoing them", async () => {
    const withUser = await openStore({ url: "s3://team-assets", endpoint: "https://AKIAEXAMPLE:s3cr3t@minio.example.com" }, "/x").catch(
      (e: Error) => e,
    );
    expect(String(withUser)).toMatch(/credentials do not belong in the endpoint/);
    expect(String(withUser)).not.toContain("s3cr3t");
    expect(String(withUser)).not.toContain("AKIAEXAMPLE");
    const withQuery = await openStore({ url: "s3://team-assets", endpoint: "https://minio.example.com/?X-Amz-Signature=abc" }, "/x").catch(
      (e: Error) => e,
    );
    expect(String(withQuery)).toMatch(/no query/);
    expect(String(withQuery)).not.toContain("X-Amz-Signature");
    await expect(openStore({ url: "s3://team-assets", endpoint: "minio:9000" }, "/x")).rejects.toThrow(/http:\/\/ or https:\/\//);
  });

  it("only open.ts loads the AWS SDK at run time (s3.ts and folder.ts import its types only)", async () => {
    const dir = join(import.meta.dirname, "../../src/store");
    for (const file of ["s3.ts", "folder.ts", "open.ts"]) {
      const source = await readFile(join(dir, file), "utf8");
      const valueImports = source.split("\n").filter((line) => /^\s*import\s+(?!type\b).*["']@aws-sdk\//.test(line));
      expect(valueImports, file).toEqual([]);
    }
    // Inside the function that opens an S3 store, by require (the SDK is CommonJS): nothing at module load.
    expect(await readFile(join(dir, "open.ts"), "utf8")).toMatch(
      /\n {2}const s3 = createRequire\(import\.meta\.url\)\("@aws-sdk\/client-s3"\)/,
    );
  });
});
