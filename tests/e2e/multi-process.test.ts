/**
 * The README's "Several signaling processes" path with real browsers: two server processes (as
 * `npm run serve` runs them) share one Redis and one TURN_SECRET, and each tab talks to a different
 * process, page, signaling, ICE servers and TURN alike. The room, the messages and the departure
 * of a peer must cross between the processes; relay-only must relay between the two processes'
 * built-in TURN servers.
 */
import type { Browser } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startRedisServer, type RedisServer } from "../support/redis-server.ts";
import { startServerProcess, type ServerProcess } from "../support/server-process.ts";
import { launchChromium } from "./support/browser.ts";
import { DemoTabs, roomOf } from "./support/two-tab.ts";

let redis: RedisServer;
let one: ServerProcess;
let two: ServerProcess;
let browser: Browser;
let viaOne: DemoTabs;
let viaTwo: DemoTabs;

beforeAll(async () => {
  redis = await startRedisServer();
  const env = { HOST: "127.0.0.1", PORT: "0", TURN_PORT: "0", TURN_ALT_PORT: "0", REDIS_URL: redis.url, TURN_SECRET: "multi-process-test-secret-0123456789" };
  [one, two] = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  browser = await launchChromium();
  viaOne = new DemoTabs(browser, one.url);
  viaTwo = new DemoTabs(browser, two.url);
});
afterEach(async () => {
  await viaOne?.closeAll();
  await viaTwo?.closeAll();
});
afterAll(async () => {
  await browser?.close();
  await Promise.all([one?.stop(), two?.stop()]);
  await redis?.stop();
});

describe("two signaling processes sharing Redis, one tab on each", () => {
  it("connect, chat, and the tab left behind hears at once that the other left", async () => {
    expect(new URL(one.url).port).not.toBe(new URL(two.url).port);
    const first = await viaOne.open();
    const room = await roomOf(first.page);
    const second = await viaTwo.open(`?room=${room}`);
    for (const page of [first.page, second.page]) await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
    await second.page.getByTestId("chat-input").fill("across processes");
    await second.page.getByTestId("chat-send").click();
    await expect.poll(() => first.page.getByTestId("chat-log").textContent(), { timeout: 10_000 }).toContain("across processes");
    // Each tab got its ICE servers from its own process: different TURN ports, one secret.
    const servers = async (page: typeof first.page): Promise<string> => (await page.locator("[data-part=ice-servers]").textContent()) ?? "";
    expect(await servers(first.page)).not.toBe(await servers(second.page));

    await second.page.context().close();
    await expect.poll(() => first.page.getByTestId("demo-status").textContent(), { timeout: 10_000 }).toContain("other peer left");
    expect([...first.errors, ...second.errors]).toEqual([]);
  });

  it("relay-only ends on a relay/relay pair between the two processes' TURN servers", async () => {
    const first = await viaOne.open("?policy=relay");
    const room = await roomOf(first.page);
    const second = await viaTwo.open(`?room=${room}&policy=relay`);
    for (const page of [first.page, second.page]) {
      await expect.poll(() => page.getByTestId("connection-state").textContent(), { timeout: 20_000 }).toBe("connected");
      const box = page.getByTestId("selected-pair");
      await expect.poll(() => box.getAttribute("data-local-type"), { timeout: 10_000 }).toBe("relay");
      expect(await box.getAttribute("data-remote-type")).toBe("relay");
    }
    expect([...first.errors, ...second.errors]).toEqual([]);
  });
});
