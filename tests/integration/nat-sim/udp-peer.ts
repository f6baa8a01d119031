/**
 * One peer of the real-NAT check, run inside a home namespace (`ip netns exec <ns> node udp-peer.ts`).
 * It follows the simulator's protocol (src/demos/nat-sim/scenario.ts) with real UDP sockets, driven
 * by the test one JSON line at a time on stdin (`PeerCommand`), answering on stdout (`PeerEvent`):
 *
 * - probe: measure this side's NAT from fresh sockets. One socket asks the reflector's three
 *   sockets for its mapped address (same external port for all three: endpoint-independent
 *   mapping, RFC 4787 §4.1). Two more each ask only the main socket, to answer from another port or
 *   another address (did the NAT let in what the inside never sent to: filtering, §5).
 * - stun: the ICE socket (port 50000) learns its server-reflexive address.
 * - punch: connectivity checks in rounds, as RFC 8445 §7.2 does them and the simulator models them:
 *   send a check to every remote candidate not yet failed, answer every check to its source
 *   (§7.3.1), learn an unknown source as a peer-reflexive candidate (§7.3.1.3), and count a check
 *   as succeeded only when its answer comes from the address it went to (§7.2.5.2.1).
 */
import { createSocket, type RemoteInfo, type Socket } from "node:dgram";
import { createInterface } from "node:readline";
import { decode, encode, peerCommand, type Address, type Candidate, type Datagram, type PeerEvent, type ReflectorSockets, type ReplyFrom } from "./wire.ts";

/** The ICE socket's port: the base of both candidates (RFC 8445 §5.1.1.1). */
const ICE_PORT = 50000;
/** A request unanswered this long is sent again; after this many tries the peer gives up. */
const RETRY_MS = 100;
const TRIES = 5;

const say = (event: PeerEvent): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};
const same = (a: Address, b: Address): boolean => a.ip === b.ip && a.port === b.port;
const show = (a: Address): string => `${a.ip}:${String(a.port)}`;
const source = (rinfo: RemoteInfo): Address => ({ ip: rinfo.address, port: rinfo.port });
const wait = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

let ids = 0;
const nextId = (): string => `${String(process.pid)}-${String((ids += 1))}`;

/** A UDP socket on every address of the namespace (there is one), `port` or any free one. */
async function open(port = 0): Promise<Socket> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve, reject) => {
    socket.once("error", reject);
    socket.bind(port, () => resolve());
  });
  return socket;
}

/**
 * Sends a bind to `to` until the reflector's answer from the socket the request went to arrives;
 * returns it and the answers that came from elsewhere before it (the only other one possible is
 * the one `reply` asked for, sent first on the same path).
 */
async function bind(socket: Socket, to: Address, reply: ReplyFrom): Promise<{ mapped: Address; before: ReplyFrom[] }> {
  const id = nextId();
  const before: ReplyFrom[] = [];
  let listener: ((bytes: Buffer) => void) | undefined;
  const answered = new Promise<Address>((resolve) => {
    listener = (bytes) => {
      const message = decode(bytes);
      if (message?.t !== "bound" || message.id !== id) return;
      if (message.from === "same") resolve(message.mapped);
      else before.push(message.from);
    };
    socket.on("message", listener);
  });
  try {
    for (let tries = 1; tries <= TRIES; tries++) {
      socket.send(encode({ t: "bind", id, reply }), to.port, to.ip);
      const mapped = await Promise.race([answered, wait(RETRY_MS).then(() => undefined)]);
      if (mapped) return { mapped, before };
    }
    throw new Error(`no answer from the reflector at ${show(to)} after ${String(TRIES)} tries`);
  } finally {
    if (listener) socket.off("message", listener);
  }
}

async function probe(reflector: ReflectorSockets): Promise<void> {
  const sockets: Socket[] = [];
  try {
    const one = await open();
    sockets.push(one);
    const main = (await bind(one, reflector.main, "same")).mapped;
    const otherPort = (await bind(one, reflector.otherPort, "same")).mapped;
    const otherAddress = (await bind(one, reflector.otherAddress, "same")).mapped;
    const admitted = async (reply: ReplyFrom): Promise<boolean> => {
      const fresh = await open();
      sockets.push(fresh);
      return (await bind(fresh, reflector.main, reply)).before.includes(reply);
    };
    say({ event: "probed", report: { mapped: { main, otherPort, otherAddress }, admitted: { otherPort: await admitted("other-port"), otherAddress: await admitted("other-address") } } });
  } finally {
    for (const socket of sockets) socket.close();
  }
}

const ice = await open(ICE_PORT);

async function punch(first: Address, rounds: number, intervalMs: number): Promise<void> {
  const remote: Candidate[] = [{ address: first, type: "srflx" }];
  const failed: Address[] = [];
  const sent = new Map<string, Candidate>();
  const log: string[] = [];
  let valid: { remote: Candidate; mapped: Address } | null = null;

  const onMessage = (bytes: Buffer, rinfo: RemoteInfo): void => {
    const message: Datagram | undefined = decode(bytes);
    const from = source(rinfo);
    if (message?.t === "check") {
      // §7.3.1: answer to where the check came from, saying what that address was.
      ice.send(encode({ t: "check-ok", id: message.id, mapped: from }), from.port, from.ip);
      if (!remote.some((c) => same(c.address, from))) {
        remote.push({ address: from, type: "prflx" });
        log.push(`check from unknown ${show(from)}: learned as prflx`);
      } else log.push(`check from ${show(from)}`);
    } else if (message?.t === "check-ok") {
      const target = sent.get(message.id);
      if (!target || valid) return;
      if (!same(from, target.address)) {
        // §7.2.5.2.1: the addresses are not symmetric; this pair fails and is not checked again.
        if (!failed.some((f) => same(f, target.address))) failed.push(target.address);
        log.push(`answer to the check to ${show(target.address)} came from ${show(from)}: failed`);
        return;
      }
      valid = { remote: target, mapped: message.mapped };
      log.push(`check to ${show(target.address)} (${target.type}) succeeded; seen as ${show(message.mapped)}`);
    }
  };
  ice.on("message", onMessage);

  for (let round = 1; round <= rounds; round++) {
    if (!valid) {
      for (const target of remote.filter((c) => !failed.some((f) => same(f, c.address)))) {
        const id = nextId();
        sent.set(id, target);
        ice.send(encode({ t: "check", id }), target.address.port, target.address.ip);
        log.push(`round ${String(round)}: check to ${show(target.address)} (${target.type})`);
      }
    }
    await wait(intervalMs);
  }
  // Keep answering checks (the other peer may still be checking) until the test closes stdin.
  say({ event: "punched", valid, remote, failed, log });
}

say({ event: "ready" });

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  void (async () => {
    try {
      const command = peerCommand.parse(JSON.parse(line));
      if (command.cmd === "probe") await probe(command.reflector);
      else if (command.cmd === "stun") say({ event: "srflx", address: (await bind(ice, command.reflector.main, "same")).mapped });
      else await punch(command.remote, command.rounds, command.intervalMs);
    } catch (error) {
      say({ event: "error", message: error instanceof Error ? error.message : String(error) });
    }
  })();
});
lines.on("close", () => {
  ice.close();
});
