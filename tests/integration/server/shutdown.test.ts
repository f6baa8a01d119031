/**
 * Closing the server ends every connection instead of waiting for them. socket.io's close() waits
 * for the HTTP server to close, i.e. for every open connection to end; a browser that was
 * reconnecting just then (a request half sent, a WebSocket upgrade in progress) held the close for
 * over a minute in the demo's e2e tests, and would hold a production process's shutdown as long.
 */
import { connect as tcpConnect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { startTestServer } from "../../support/test-server.ts";

/** A client that sends half an HTTP request and then nothing: the server waits for the rest. */
async function halfSentRequest(port: number): Promise<Socket> {
  const socket = tcpConnect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  socket.write("GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: 127.0.0.1\r\n");
  return socket;
}

describe("closing the server", () => {
  it("ends a connection with a request still arriving, and finishes (Node would wait up to its 60 s headers timeout)", async () => {
    const server = await startTestServer();
    const client = await halfSentRequest(server.port);
    const ended = new Promise<void>((resolve) => client.once("close", () => resolve()));
    // Without the fix this await outlives the test's 30 s timeout.
    await server.close();
    await ended;
    expect(client.destroyed).toBe(true);
  });
});
