/**
 * The "STUN server" of the real-NAT check, run in the lab's public namespace: three UDP sockets that
 * answer each "bind" with the source address and port they saw, the server-reflexive address.
 * Usage: node reflector.ts '<ReflectorSockets as JSON>'. Prints `ready` once all three are bound.
 *
 * A request may ask for the answer from another port or another address (RFC 5780's
 * CHANGE-REQUEST): the reflector then sends that answer first and a second one from the socket the
 * request came to. Both take the same path back, so when the second has arrived and the first has
 * not, the NAT dropped the first: its filter, measured without waiting for a timeout.
 */
import { createSocket, type Socket } from "node:dgram";
import { decode, encode, reflectorSockets, type ReplyFrom } from "./wire.ts";

const addresses = reflectorSockets.parse(JSON.parse(process.argv[2] ?? "{}"));

async function bind(address: { ip: string; port: number }): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(address.port, address.ip, () => resolve());
  });
  return socket;
}

const sockets: Record<ReplyFrom, Socket> = {
  same: await bind(addresses.main),
  "other-port": await bind(addresses.otherPort),
  "other-address": await bind(addresses.otherAddress),
};

for (const socket of Object.values(sockets)) {
  socket.on("message", (bytes, rinfo) => {
    const message = decode(bytes);
    if (message?.t !== "bind") return;
    const mapped = { ip: rinfo.address, port: rinfo.port };
    if (message.reply !== "same") sockets[message.reply].send(encode({ t: "bound", id: message.id, mapped, from: message.reply }), rinfo.port, rinfo.address);
    socket.send(encode({ t: "bound", id: message.id, mapped, from: "same" }), rinfo.port, rinfo.address);
  });
}
console.log("ready");
