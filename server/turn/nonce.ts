// Stateless NONCE (RFC 8489 §9.2, with the design coturn 4.17 and pion use): the nonce carries
// its own issue time and a MAC binding it to the client's address, so the server stores nothing
// per unauthenticated request and a flood of spoofed Allocates costs no memory.
//   nonce = <issue time, seconds, 8 hex> <HMAC-SHA256(key, "ip:port|time"), first 16 bytes, hex>
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type NonceCheck = "fresh" | "stale" | "invalid";

export interface NonceService {
  issue(clientAddress: string, clientPort: number): string;
  check(nonce: string, clientAddress: string, clientPort: number): NonceCheck;
}

export function createNonceService(options: { lifetimeSeconds: number; clock: () => number; key?: Uint8Array }): NonceService {
  const key = options.key ?? randomBytes(32);
  const mac = (address: string, port: number, time: string): string =>
    createHmac("sha256", key).update(`${address}:${String(port)}|${time}`).digest("hex").slice(0, 32);
  return {
    issue(address, port) {
      const time = Math.floor(options.clock() / 1000).toString(16).padStart(8, "0");
      return time + mac(address, port, time);
    },
    check(nonce, address, port) {
      if (!/^[0-9a-f]{40}$/.test(nonce)) return "invalid";
      const time = nonce.slice(0, 8);
      const expected = Buffer.from(mac(address, port, time));
      if (!timingSafeEqual(expected, Buffer.from(nonce.slice(8)))) return "invalid";
      const age = Math.floor(options.clock() / 1000) - parseInt(time, 16);
      return age >= 0 && age <= options.lifetimeSeconds ? "fresh" : "stale";
    },
  };
}
