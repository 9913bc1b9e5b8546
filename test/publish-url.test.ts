/**
 * The URL a gateway downloads a published bundle from: `bundle publish` reads each bundle back from
 * exactly that URL, so it must join `bundle_base_url` and the name as the gateway does
 * (gateway/coprocess_bundle.go, fetchBundle: url.Parse, `u.Path = path.Join(u.Path, name)`,
 * u.String()). Go's own net/url and path are the oracle.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { gatewayBundleUrl, parseTarget } from "../src/publish/target.js";
import { hasGo } from "./helpers/gateway-loader.js";
import { tempDir } from "./helpers/tmp.js";

const FETCH_BUNDLE_URL = `package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path"
)

// The URL part of the gateway's fetchBundle.
func main() {
	var cases [][2]string
	if err := json.NewDecoder(os.Stdin).Decode(&cases); err != nil {
		panic(err)
	}
	out := []string{}
	for _, c := range cases {
		u, err := url.Parse(c[0])
		if err != nil {
			panic(err)
		}
		u.Path = path.Join(u.Path, c[1])
		out = append(out, u.String())
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}
`;

const CASES: Array<[string, string]> = [
  ["https://bundles.example.com/tyk/", "auth-3fa9c2d1e07b.zip"],
  ["https://bundles.example.com/tyk", "auth-3fa9c2d1e07b.zip"],
  ["https://bundles.example.com", "auth.zip"],
  ["https://bundles.example.com/", "auth.zip"],
  ["http://127.0.0.1:9000/bundles/tyk/", "auth.zip"],
  ["https://cdn.example.com/a%20b/", "auth.zip"],
  ["https://cdn.example.com//double//slashes/", "auth.zip"],
  ["https://cdn.example.com/tyk/./x/../", "auth.zip"],
];

describe("the bundle URL a gateway downloads", () => {
  it.skipIf(!hasGo)("is the one Go's fetchBundle code makes", async () => {
    const dir = await tempDir("tyk-ts-fetch-url-");
    writeFileSync(path.join(dir, "main.go"), FETCH_BUNDLE_URL);
    const stdout = execFileSync("go", ["run", "main.go"], {
      cwd: dir,
      input: JSON.stringify(CASES),
      encoding: "utf8",
      env: { GOCACHE: path.join(os.tmpdir(), "tyk-ts-go-cache"), ...process.env, GOFLAGS: "-mod=mod", GO111MODULE: "off", CGO_ENABLED: "0" },
    });
    expect(CASES.map(([base, name]) => gatewayBundleUrl(base, name))).toEqual(JSON.parse(stdout));
  }, 60_000);
});

describe("publish targets", () => {
  it("reads s3://, http(s):// and folders", () => {
    expect(parseTarget("s3://acme-bundles/tyk")).toEqual({ kind: "s3", bucket: "acme-bundles", prefix: "tyk/" });
    expect(parseTarget("s3://acme-bundles")).toEqual({ kind: "s3", bucket: "acme-bundles", prefix: "" });
    expect(parseTarget("https://artifacts.example.com/tyk")).toEqual({ kind: "http", url: "https://artifacts.example.com/tyk/" });
    expect(parseTarget("bundles")).toEqual({ kind: "folder", dir: path.resolve("bundles") });
    expect(() => parseTarget("gs://bucket/")).toThrow(/unknown target scheme/);
    expect(() => parseTarget("https://user:secret@example.com/")).toThrow(/user name or password/);
  });
});
