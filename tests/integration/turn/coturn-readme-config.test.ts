// The README's sample /etc/turnserver.conf, run by a real coturn: taken from README.md, with
// loopback for its public address 203.0.113.10 (and coturn's built-in loopback ban lifted, so only
// the sample's own lists decide), a free port and a test secret. It must start with
// no error, accept the credentials the site mints, relay to the server's own address (the sample's
// allowed-peer-ip line), and refuse every private, loopback and IPv4-mapped peer its deny lines
// name. Fails (never skips) when coturn is missing.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { RequestedAddressFamily } from "../../../server/stun/attributes/requested-address-family.ts";
import { PROTOCOL_UDP, RequestedTransport } from "../../../server/stun/attributes/requested-transport.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { XorRelayedAddress } from "../../../server/stun/attributes/xor-relayed-address.ts";
import { decodeStunMessage } from "../../../server/stun/message.ts";
import { mintTurnCredentials } from "../../../server/turn/credentials.ts";
import { SECRET, startEchoPeer } from "./support/fixtures.ts";
import { freeListenerPort, requireCoturnBinary, spawnLogged } from "./support/processes.ts";
import { TurnTestClient, attr, errorCodeOf } from "./support/turn-client.ts";

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The ```ini block after the README's "Sample `/etc/turnserver.conf`". */
function readmeTurnserverConf(): string {
  const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
  const after = readme.split("Sample `/etc/turnserver.conf`")[1] ?? "";
  const block = /```ini\n([\s\S]*?)```/u.exec(after)?.[1];
  if (block === undefined) throw new Error("README.md has no ```ini block after \"Sample `/etc/turnserver.conf`\"");
  return block;
}

function replaceOrFail(text: string, pattern: RegExp, value: string): string {
  if (!pattern.test(text)) throw new Error(`the README's turnserver.conf sample no longer matches ${String(pattern)}`);
  return text.replace(pattern, value);
}

describe("the README's sample turnserver.conf", () => {
  it("starts a real coturn without errors, takes the site's credentials, relays only to allowed peers", async () => {
    const port = await freeListenerPort();
    const dir = mkdtempSync(join(tmpdir(), "coturn-readme-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    let conf = readmeTurnserverConf();
    conf = replaceOrFail(conf, /203\.0\.113\.10/gu, "127.0.0.1");
    conf = replaceOrFail(conf, /^listening-port=3478$/mu, `listening-port=${String(port)}`);
    conf = replaceOrFail(conf, /REPLACE_WITH_TURN_SECRET/u, SECRET);
    // Loopback stands in for the public address, so coturn's own loopback ban (which the real
    // 203.0.113.10 never meets) is lifted: what refuses 127.0.0.2 and ::1 below is the sample's deny list.
    // A second relay address, ::1, lets an IPv6 allocation exercise the sample's IPv6 deny lines.
    conf += `\nallow-loopback-peers\nrelay-ip=::1\npidfile=${join(dir, "turnserver.pid")}\ndb=${join(dir, "turndb")}\n`;
    writeFileSync(join(dir, "turnserver.conf"), conf);

    const coturn = spawnLogged(requireCoturnBinary("turnserver"), ["-c", join(dir, "turnserver.conf")]);
    cleanups.push(() => coturn.stop());
    await coturn.waitFor(/Total General servers|Total auth threads/);
    // A value coturn cannot read (a comment after it, say) is logged as an ERROR, not fatal.
    expect(coturn.output().split("\n").filter((line) => /ERROR/u.test(line))).toEqual([]);

    const client = await TurnTestClient.open({ address: "127.0.0.1", port });
    cleanups.push(() => client.close());
    const { username, credential } = mintTurnCredentials({ secret: SECRET, userId: "readme-check", ttlSeconds: 600, now: Date.now() });
    const allocated = await client.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP));
    expect(errorCodeOf(allocated)).toBeUndefined();
    expect(attr(allocated, XorRelayedAddress).address).toBe("127.0.0.1");

    // The server's own address is allowed (relay to relay on one server), so this peer works.
    const peer = await startEchoPeer();
    cleanups.push(() => peer.socket.close());
    const allowed = { address: "127.0.0.1", port: peer.port };
    expect((await client.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, allowed))).cls).toBe(StunClass.successResponse);
    client.socket.send(new StunMessageBuilder(StunMethod.send, StunClass.indication, new Uint8Array(12).fill(5)).add(XorPeerAddress, allowed).add(Data, Buffer.from("readme")).build(), port, "127.0.0.1");
    const echoed = decodeStunMessage(await client.receive());
    if (!echoed.ok) throw echoed.error;
    expect(Buffer.from(attr(echoed.message, Data)).toString()).toBe("readme");

    // Everything else in the deny list is refused with 403 Forbidden (RFC 8656 §9.1). On an IPv4
    // relay an IPv6 peer is refused before the list, by family (443, §7.2), so the IPv6 lines (and
    // the IPv4-mapped forms that coturn before 4.9 let through) are checked on an IPv6 relay.
    const refused = async (relay: TurnTestClient, addresses: readonly string[]): Promise<Record<string, number | undefined>> => {
      const codes: Record<string, number | undefined> = {};
      for (const address of addresses) codes[address] = errorCodeOf(await relay.request(StunMethod.createPermission, (b) => void b.add(XorPeerAddress, { address, port: 9 })));
      return codes;
    };
    const all403 = (addresses: readonly string[]): Record<string, number> => Object.fromEntries(addresses.map((address) => [address, 403]));
    const v4 = ["127.0.0.2", "10.1.2.3", "172.16.0.9", "192.168.1.1", "169.254.1.1", "100.64.0.1", "198.18.0.1", "192.0.0.9"];
    expect(await refused(client, v4)).toEqual(all403(v4));

    const client6 = await TurnTestClient.open({ address: "127.0.0.1", port });
    cleanups.push(() => client6.close());
    const allocated6 = await client6.login(username, credential, StunMethod.allocate, (b) => void b.add(RequestedTransport, PROTOCOL_UDP).add(RequestedAddressFamily, "IPv6"));
    expect(errorCodeOf(allocated6)).toBeUndefined();
    expect(attr(allocated6, XorRelayedAddress).address).toBe("::1");
    const v6 = ["::1", "fd00::1", "fe80::1", "64:ff9b::a01:203", "64:ff9b:1::1", "::ffff:127.0.0.2", "::ffff:10.1.2.3", "::ffff:192.168.1.1"];
    expect(await refused(client6, v6)).toEqual(all403(v6));
  });
});
