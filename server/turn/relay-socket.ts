// Binding the UDP socket that is the relayed transport address of an allocation, inside the
// configured port range (coturn min-port/max-port) so operators can open exactly that range.
import { createSocket, type Socket } from "node:dgram";
import { parseIP } from "../../src/shared/stun/ip-bytes.ts";
import { ipLiteralLookup } from "./ip-lookup.ts";

const SOCKET_BUFFER_BYTES = 1 << 20;

function bindOnce(address: string, port: number): Promise<Socket> {
  const type = parseIP(address)?.length === 16 ? "udp6" : "udp4";
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type, recvBufferSize: SOCKET_BUFFER_BYTES, sendBufferSize: SOCKET_BUFFER_BYTES, lookup: ipLiteralLookup });
    const onError = (error: Error): void => {
      socket.close();
      reject(error);
    };
    socket.once("error", onError);
    socket.bind({ address, port, exclusive: true }, () => {
      socket.off("error", onError);
      resolve(socket);
    });
  });
}

/**
 * Bind a relay socket on `address` with a port in [min, max] (random tries, skipping `inUse`);
 * min = max = 0 lets the OS pick. `even` asks for an even port (EVEN-PORT, RFC 8656 §7.2).
 * Rejects when no port could be bound (the caller answers 508).
 */
export async function openRelaySocket(address: string, min: number, max: number, inUse: ReadonlySet<number>, even = false, attempts = 64): Promise<Socket> {
  if (min === 0 && max === 0) {
    for (let i = 0; i < attempts; i++) {
      const socket = await bindOnce(address, 0);
      if (!even || socket.address().port % 2 === 0) return socket;
      socket.close();
    }
    throw new Error("no even port offered by the OS");
  }
  const span = max - min + 1;
  let lastError: unknown = new Error("relay port range exhausted");
  for (let i = 0; i < attempts && inUse.size < span; i++) {
    let port = min + Math.floor(Math.random() * span);
    if (even && port % 2 === 1) port = port + 1 <= max ? port + 1 : port - 1;
    if (inUse.has(port) || port < min || (even && port % 2 === 1)) continue;
    try {
      return await bindOnce(address, port);
    } catch (error) {
      lastError = error;
      if ((error as NodeJS.ErrnoException).code !== "EADDRINUSE") break;
    }
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
