/**
 * The static file server on a private copy of a tiny site, so files can be removed under it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createStaticSite, MissingBuildError } from "../../../server/http/static-site.ts";

let dir: string;
let server: Server;
let origin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "static-site-"));
  writeFileSync(join(dir, "index.html"), "<!doctype html><title>home</title><script>window.x=1</script>");
  writeFileSync(join(dir, "404.html"), "<!doctype html><title>404</title>");
  mkdirSync(join(dir, "big"));
  writeFileSync(join(dir, "big", "file.bin"), Buffer.alloc(4 * 1024 * 1024, 1));
  const site = createStaticSite(dir);
  server = createServer((req, res) => site(req, res, () => res.end()));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

describe("static site server", () => {
  it("refuses to start without a build, with a clear message", () => {
    expect(() => createStaticSite(join(dir, "nope"))).toThrow(MissingBuildError);
  });

  it("keeps serving when a file disappears after start-up (that response is cut, the process lives)", async () => {
    rmSync(join(dir, "big", "file.bin"));
    // The file list was read at start-up, so the headers go out before the read fails; the
    // response can only be aborted. Without the handler, the read error crashes the process.
    const outcome = await fetch(`${origin}/big/file.bin`)
      .then(async (response) => {
        await response.arrayBuffer();
        return "complete";
      })
      .catch(() => "aborted");
    expect(outcome).toBe("aborted");
    expect((await fetch(`${origin}/`)).status).toBe(200);
  });
});
