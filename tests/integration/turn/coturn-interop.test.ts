// Interoperability with coturn (Debian's package): coturn's own clients against our server, and
// credentials minted by our code against a real coturn. If coturn is missing these tests FAIL with
// the install command; they never skip.
import { afterEach, describe, expect, it } from "vitest";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { SECRET, REALM, startEchoPeer, startServer } from "./support/fixtures.ts";
import { freeUdpPort, requireCoturnBinary, spawnLogged, startCoturn, waitForEcho } from "./support/processes.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("coturn's clients against our server", () => {
  it("turnutils_stunclient gets a server-reflexive address", async () => {
    const stunclient = requireCoturnBinary("turnutils_stunclient");
    const h = await startServer();
    cleanups.push(() => h.server.close());
    const run = spawnLogged(stunclient, ["-p", String(h.address.port), "127.0.0.1"]);
    cleanups.push(() => run.stop());
    const match = await run.waitFor(/UDP reflexive addr: 127\.0\.0\.1:(\d+)/);
    expect(Number(match[1])).toBeGreaterThan(0);
    expect(await run.exited()).toBe(0);
    expect(h.server.stats().bindingRequests).toBeGreaterThanOrEqual(1);
  });

  /**
   * turnutils_uclient relaying 50 messages (×2 clients) of 170 bytes through our server at `port`
   * to a turnutils_peer echo, with `flags` (-s: Send/Data indications; -c: no RTCP pair, which
   * would need EVEN-PORT with a reservation); coturn's client must report nothing lost.
   */
  async function uclientRelays(flags: readonly string[], user: string, port: number): Promise<void> {
    const uclient = requireCoturnBinary("turnutils_uclient");
    const peerBinary = requireCoturnBinary("turnutils_peer");
    const peerPort = await freeUdpPort();
    const peer = spawnLogged(peerBinary, ["-L", "127.0.0.1", "-p", String(peerPort)]);
    cleanups.push(() => peer.stop());
    await waitForEcho(peerPort);
    const run = spawnLogged(uclient, [...flags, "-W", SECRET, "-u", user, "-e", "127.0.0.1", "-r", String(peerPort), "-p", String(port), "-n", "50", "-m", "2", "-l", "170", "127.0.0.1"]);
    cleanups.push(() => run.stop());
    const totals = await run.waitFor(/tot_send_msgs=(\d+), tot_recv_msgs=(\d+)\s/, 25_000);
    const lost = await run.waitFor(/Total lost packets (\d+)/, 25_000);
    expect(await run.exited()).toBe(0);
    expect(Number(totals[1])).toBe(100);
    expect(Number(totals[2])).toBe(100);
    expect(Number(lost[1])).toBe(0);
  }

  it("turnutils_uclient -W (REST secret) allocates, relays through turnutils_peer and loses nothing", async () => {
    // Loopback peers need the opt-in, exactly like coturn's --allow-loopback-peers.
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    // Channel mode is not used: coturn 4.6's uclient picks channel numbers from RFC 5766's range
    // 0x4000-0x7FFF, and RFC 8656 §12 (which this server follows) allows only 0x4000-0x4FFF.
    await uclientRelays(["-s", "-c"], "uclient", h.address.port);
    const stats = h.server.stats();
    expect(stats.allocationsCreated).toBeGreaterThanOrEqual(2);
    expect(stats.bytesToPeers).toBeGreaterThanOrEqual(100 * 170);
    expect(stats.errors).toBe(0);
  });

  it("turnutils_uclient -t reaches us over TCP (RFC 8656 §3.1), relays over UDP and loses nothing", async () => {
    const h = await startServer({ allowPrivatePeers: true });
    cleanups.push(() => h.server.close());
    const tcp = h.server.tcpAddress();
    if (!tcp) throw new Error("TURN over TCP is not listening");
    // -t: TCP to the TURN server (the relay to the peer stays UDP).
    await uclientRelays(["-t", "-s", "-c"], "uclient-tcp", tcp.port);
    const stats = h.server.stats();
    expect(stats.tcpAccepted).toBeGreaterThanOrEqual(2);
    expect(stats.allocationsCreated).toBeGreaterThanOrEqual(2);
    expect(stats.bytesToPeers).toBeGreaterThanOrEqual(100 * 170);
    expect(stats).toMatchObject({ errors: 0, tcpFramingErrors: 0 });
  });
});

describe("our credentials against a real coturn (use-auth-secret)", () => {
  it("mintTurnCredentials allocates on coturn and relays to a peer; expired ones are refused", async () => {
    const coturn = await startCoturn({ secret: SECRET, realm: REALM });
    cleanups.push(() => coturn.stop());
    const peer = await startEchoPeer();
    cleanups.push(() => peer.socket.close());
    const client = await TurnTestClient.open({ address: "127.0.0.1", port: coturn.port });
    cleanups.push(() => client.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "site-session", ttlSeconds: 600, now: Date.now() });
    const allocated = await client.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
    expect(errorCodeOf(allocated)).toBeUndefined();
    expect(client.verified(allocated)).toBe(true);
    expect(attr(allocated, XorRelayedAddress).address).toBe("127.0.0.1");
    expect(attr(allocated, XorMappedAddress)).toEqual({ address: "127.0.0.1", port: client.localPort });

    const peerAddress = { address: "127.0.0.1", port: peer.port };
    expect((await client.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, peerAddress))).cls).toBe(StunClass.successResponse);
    const send = new StunMessageBuilder(StunMethod.send, StunClass.indication, new Uint8Array(12).fill(3)).add(XorPeerAddress, peerAddress).add(Data, Buffer.from("via coturn")).build();
    client.socket.send(send, coturn.port, "127.0.0.1");
    const echoed = decodeStunMessage(await client.receive());
    if (!echoed.ok) throw echoed.error;
    expect(Buffer.from(attr(echoed.message, Data)).toString()).toBe("via coturn");

    const expired = mintTurnCredentials({ secret: SECRET, userId: "old-session", ttlSeconds: 60, now: Date.now() - 3_600_000 });
    const late = await TurnTestClient.open({ address: "127.0.0.1", port: coturn.port });
    cleanups.push(() => late.close());
    expect(errorCodeOf(await late.login(expired.username, expired.credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP)))).toBe(401);
  });
});
