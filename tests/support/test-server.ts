/**
 * Starts the real application in-process on port 0 (HTTP, and STUN/TURN over UDP and TCP), for integration and browser
 * tests. Configuration goes through the same loadConfig as production, from an env-like object.
 */
import { createApp, type App, type AppDeps } from "../../server/app.ts";
import { loadConfig, type Config } from "../../server/config.ts";

export interface TestServer {
  app: App;
  config: Config;
  url: string;
  origin: string;
  port: number;
  turnPorts: readonly number[];
  /** TURN over TCP (the first TURN port's number), unless TURN_TCP=false. */
  turnTcpPort: number | undefined;
  close(): Promise<void>;
}

export async function startTestServer(env: Record<string, string> = {}, deps: AppDeps = {}): Promise<TestServer> {
  const config = loadConfig({
    HOST: "127.0.0.1",
    PORT: "0",
    TURN_PORT: "0",
    TURN_ALT_PORT: "0",
    TURN_SECRET: "test-secret-0123456789abcdef",
    ...env,
  });
  const app = createApp(config, { log: () => undefined, ...deps });
  const { port, turnPorts, turnTcpPort } = await app.listen();
  const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host.includes(":") ? `[${config.host}]` : config.host;
  const origin = `http://${host}:${port}`;
  return { app, config, url: `${origin}/`, origin, port, turnPorts, turnTcpPort, close: () => app.close() };
}
