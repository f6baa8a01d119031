/**
 * Entry point: the only file that listens. Reads the configuration from the environment, starts
 * the one process (site + signaling + STUN/TURN) and stops it cleanly on SIGINT/SIGTERM.
 * Start-up problems (bad setting, port in use, site not built, Redis unreachable) print one line
 * and exit 1.
 */
import { ConfigError, loadConfig } from "./config.ts";
import { createApp, type App } from "./app.ts";
import { MissingBuildError } from "./http/static-site.ts";
import { RedisUnavailableError } from "./signaling/redis.ts";

function startupErrorMessage(error: unknown, port: number | undefined, host: string | undefined): string {
  if (error instanceof ConfigError || error instanceof MissingBuildError || error instanceof RedisUnavailableError) return error.message;
  const e = error as NodeJS.ErrnoException & { port?: number; address?: string; syscall?: string };
  const where = `${e.address ?? host ?? ""}:${e.port ?? port ?? ""}`;
  const protocol = e.syscall === "bind" ? "UDP" : "TCP";
  if (e.code === "EADDRINUSE") return `${protocol} port ${where} is already in use; stop the other program or choose another port (PORT, TURN_PORT)`;
  if (e.code === "EACCES") return `Not allowed to listen on ${protocol} ${where}; choose a port above 1023 or run with the needed rights`;
  if (e.code === "EADDRNOTAVAIL") return `Cannot listen on ${where}: HOST is not an address of this machine`;
  if (e.code === "ENOTFOUND") return `Cannot listen on ${where}: HOST does not resolve`;
  return `Could not start: ${e.message}`;
}

async function main(): Promise<void> {
  let app: App | undefined;
  let port: number | undefined;
  let host: string | undefined;
  try {
    const config = loadConfig(process.env);
    port = config.port;
    host = config.host;
    app = createApp(config);
    const { url, turnPorts, turnTcpPort } = await app.listen();
    if (config.turn.mode === "builtin" && turnPorts.length > 0) {
      const tcp = turnTcpPort === undefined ? "" : `, TCP port ${turnTcpPort}`;
      console.log(`STUN/TURN: UDP ${config.host} ports ${turnPorts.join(" and ")}${tcp}, realm "${config.turn.realm}"`);
      if (config.turn.secretGenerated) console.log("TURN secret: generated for this run (set TURN_SECRET to keep one across restarts)");
      if (config.turn.allowPrivatePeers) console.log("TURN: relaying to loopback/private peers is ON (local demo on a loopback bind; set TURN_ALLOW_PRIVATE_PEERS=false to refuse)");
    } else if (config.turn.mode === "external") {
      console.log(`TURN: external servers ${config.turn.externalUrls.join(", ")}`);
    }
    console.log(`Open ${url}`);
  } catch (error) {
    console.error(startupErrorMessage(error, port, host));
    await app?.close().catch(() => undefined);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: shutting down`);
    app
      ?.close()
      .then(() => process.exit(0))
      .catch((error: unknown) => {
        console.error(`Error while shutting down: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      });
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

await main();
