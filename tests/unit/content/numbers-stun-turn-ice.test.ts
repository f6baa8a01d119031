/**
 * Numbers the STUN, TURN and ICE lessons work out, checked against the code the site itself runs:
 * the XOR example against src/shared/stun/xor.ts and the STUN codec in server/stun, message types
 * against encodeMessageType, priorities against src/shared/ice/priority.ts, the credentials example
 * against server/turn/credentials.ts. Every value is read out of the lesson text, so a lesson that
 * states a wrong number, or code that computes a different one, fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LESSON_DIR, ROOT, fencedBlocks } from "./content-files.ts";
import { capture, grouped, hex } from "./stated-numbers.ts";
import { MAGIC_COOKIE, MAGIC_COOKIE_BYTES, xorAddressBytes, xorPort } from "../../../src/shared/stun/xor.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { decodeStunMessage, encodeMessageType } from "../../../server/stun/message.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { XorPeerAddress } from "../../../server/stun/attributes/xor-peer-address.ts";
import { Data } from "../../../server/stun/attributes/data.ts";
import { isValidChannelNumber } from "../../../server/stun/attributes/channel-number.ts";
import { channelDataHeader, classifyPacket } from "../../../server/turn/channel-data.ts";
import { checkTurnUsername, mintTurnCredentials } from "../../../server/turn/credentials.ts";

function lesson(slug: string): string {
  return readFileSync(join(LESSON_DIR, `${slug}.mdx`), "utf8");
}



/** Loads a module the lesson's numbers depend on, failing with the reason if it is missing. */
async function load<T>(relative: string): Promise<T> {
  return (await import(join(ROOT, relative)).catch((error: unknown) => {
    throw new Error(`${relative} is needed to check the lesson's numbers and could not be loaded: ${String(error)}`);
  })) as T;
}

describe("STUN lesson: the XOR-MAPPED-ADDRESS example", () => {
  const text = lesson("stun");

  it("XORs the port with the top 16 bits of MAGIC_COOKIE", () => {
    const [decimal = "", portHex = "", key = "", result = "", resultDecimal = ""] = capture(
      text,
      /(\d+) is (0x[0-9A-F]{4})\. 0x[0-9A-F]{4} XOR (0x[0-9A-F]{4}) = (0x[0-9A-F]{4}) \((\d+) in decimal\)/u,
      "the port XOR",
    );
    expect(hex(portHex)).toBe(Number(decimal));
    expect(hex(key)).toBe(MAGIC_COOKIE >>> 16);
    expect(hex(result)).toBe(xorPort(Number(decimal)));
    expect(Number(resultDecimal)).toBe(hex(result));
  });

  it("XORs each address byte with the matching cookie byte, as xorAddressBytes does", () => {
    const row = (label: string): number[] => {
      const [cells = ""] = capture(text, new RegExp(`^\\| ${label}[^|]* \\|((?: 0x[0-9A-F]{2} \\|){4})$`, "mu"), `the table row "${label}"`);
      return [...cells.matchAll(/0x([0-9A-F]{2})/gu)].map((match) => hex(match[1] ?? ""));
    };
    const [dotted = ""] = capture(text, /^\| address (\d+\.\d+\.\d+\.\d+) \|/mu, "the address row");
    const address = row("address");
    const cookie = row("magic cookie");
    const xored = row("XOR");
    expect(address).toEqual(dotted.split(".").map(Number));
    expect(cookie).toEqual([...MAGIC_COOKIE_BYTES]);
    expect(xored).toEqual([...xorAddressBytes(Uint8Array.from(address), new Uint8Array(12))]);
    const [xAddress = "", asDotted = ""] = capture(text, /X-Address is (0x[0-9A-F]{8}), which read as an IPv4 address would be (\d+\.\d+\.\d+\.\d+)/u, "the X-Address");
    expect(hex(xAddress)).toBe(((xored[0] ?? 0) * 2 ** 24) + ((xored[1] ?? 0) << 16) + ((xored[2] ?? 0) << 8) + (xored[3] ?? 0));
    expect(asDotted.split(".").map(Number)).toEqual(xored);
  });

  it("shows the Binding success response exactly as the server's codec encodes it", () => {
    const block = fencedBlocks(text).find((candidate) => candidate.lang === "text" && candidate.content.startsWith("01 01 00 0c"));
    expect(block, "a ```text hex dump starting with 01 01 00 0c").toBeDefined();
    const bytes = Uint8Array.from(
      (block?.content ?? "").split("\n").flatMap((line) => [...(/^((?:[0-9a-f]{2} ){3}[0-9a-f]{2})/u.exec(line)?.[1] ?? "").matchAll(/[0-9a-f]{2}/gu)].map((m) => hex(m[0]))),
    );
    const [size = ""] = capture(text, /the whole success response as it travels, (\d+) bytes/u, "the size of the response");
    expect(bytes.length).toBe(Number(size));
    const decoded = decodeStunMessage(bytes);
    expect(decoded.ok, decoded.ok ? "" : decoded.error.message).toBe(true);
    if (!decoded.ok) return;
    expect(decoded.message.method).toBe(StunMethod.binding);
    expect(decoded.message.cls).toBe(StunClass.successResponse);
    const [dotted = "", port = ""] = capture(text, /Take the mapping from the diagram, (\d+\.\d+\.\d+\.\d+):(\d+)\./u, "the mapping");
    const rebuilt = new StunMessageBuilder(StunMethod.binding, StunClass.successResponse, decoded.message.transactionId)
      .add(XorMappedAddress, { address: dotted, port: Number(port) })
      .build();
    expect([...bytes]).toEqual([...rebuilt]);
  });

  it("gives the message types that encodeMessageType computes", () => {
    const rows = [...text.matchAll(/^\| (\w+) \((0x[0-9a-f]{3})\)[^|]*\|((?: [^|]+ \|){4})$/gmu)];
    expect(rows.length).toBeGreaterThanOrEqual(2);
    const classes = [StunClass.request, StunClass.indication, StunClass.successResponse, StunClass.errorResponse];
    for (const [, name = "", method = "", cells = ""] of rows) {
      const values = cells.split("|").map((cell) => cell.trim()).filter((cell) => cell !== "");
      values.forEach((value, index) => {
        if (!/^0x[0-9a-f]{4}$/u.test(value)) return;
        expect(hex(value), `${name} ${String(classes[index])}`).toBe(encodeMessageType(hex(method), classes[index] ?? StunClass.request));
      });
    }
    expect(text).toContain(`Binding request (method 1, class 0b00) is 0x${encodeMessageType(StunMethod.binding, StunClass.request).toString(16).padStart(4, "0")}`);
  });

  it("gives the retransmission schedule RFC 8489 §6.2.1 implies (RTO doubling, Rc = 7, Rm = 16)", () => {
    const [rto = "", times = "", count = "", giveUp = "", rm = ""] = capture(
      text,
      /first timeout of (\d+) ms, doubled\s+each time, it sends at ((?:\d+, )+\d+ and \d+) ms, (\w+) requests in all, and gives up\s+at (\d+) ms, (\d+) timeouts after the last one/u,
      "the retransmission schedule",
    );
    const sends = times.replace(" and ", ", ").split(", ").map(Number);
    const expected = Array.from({ length: 7 }, (_, i) => Number(rto) * (2 ** i - 1));
    expect(sends).toEqual(expected);
    expect(count).toBe("seven");
    expect(Number(rm)).toBe(16);
    expect(Number(giveUp)).toBe((sends.at(-1) ?? 0) + Number(rm) * Number(rto));
  });

  it("answers the X-Port question with xorPort", () => {
    const [given = "", result = "", port = ""] = capture(text, /(0x[0-9A-F]{4}) XOR 0x2112 = (0x[0-9A-F]{4}), which is port (\d+)/u, "the Check yourself X-Port answer");
    expect(xorPort(hex(given))).toBe(hex(result));
    expect(Number(port)).toBe(hex(result));
  });
});

describe("TURN lesson: the numbers it works out", () => {
  const text = lesson("turn");

  it("mints the worked-example credentials exactly as mintTurnCredentials does", () => {
    const [secret = "", userId = "", ttl = "", minted = ""] = capture(
      text,
      /with the secret `([^`]+)`, the user id `([^`]+)` and a time to live of (\d+) seconds,\s+minted at (\S+Z):/u,
      "the inputs of the credentials example",
    );
    const [username = "", password = ""] = capture(text, /username: (\S+)\npassword: (\S+)\n/u, "the minted username and password");
    const credentials = mintTurnCredentials({ secret, userId, ttlSeconds: Number(ttl), now: Date.parse(minted) });
    expect(credentials.username).toBe(username);
    expect(credentials.credential).toBe(password);
    const [expiry = "", expiryIso = ""] = capture(text, /(\d{10}) is (\S+Z), one hour later/u, "the expiry as a date");
    expect(Number(expiry) * 1000).toBe(Date.parse(expiryIso));
    expect(Number(expiry) * 1000 - Date.parse(minted)).toBe(Number(ttl) * 1000);
    expect(username.startsWith(`${expiry}:`)).toBe(true);
  });

  it("refuses the username in the Check yourself question at the time it names, as the server would", () => {
    const [username = "", at = ""] = capture(text, /logs an Allocate with username (\S+), arriving at (\S+Z)\./u, "the expired-credential question");
    expect(checkTurnUsername("north-wind-7", username, Date.parse(at))).toEqual({ ok: false, reason: "expired" });
    expect(checkTurnUsername("north-wind-7", username, Date.parse(at) - 60 * 60 * 1000).ok).toBe(true);
  });

  it("counts the Send indication overhead the way the STUN codec encodes one", () => {
    const [header = "", peer = "", dataHeader = "", total = ""] = capture(
      text,
      /pays a (\d+)-byte STUN header, (\d+) bytes of\s+XOR-PEER-ADDRESS \(4 for the attribute header, 8 for the value\) and (\d+) for the DATA attribute header:\s+(\d+) bytes/u,
      "the Send indication overhead",
    );
    const payload = new Uint8Array(1000);
    const send = new StunMessageBuilder(StunMethod.send, StunClass.indication, new Uint8Array(12))
      .add(XorPeerAddress, { address: "203.0.113.7", port: 61234 })
      .add(Data, payload)
      .build();
    expect(Number(header) + Number(peer) + Number(dataHeader)).toBe(Number(total));
    expect(send.length - payload.length).toBe(Number(total));
    const [sendSize = "", channelSize = ""] = capture(text, /^([\d,]+) bytes as a Send indication[\s\S]*?([\d,]+) bytes as ChannelData/mu, "the 1,000-byte comparison");
    expect(grouped(sendSize)).toBe(send.length);
    expect(grouped(channelSize)).toBe(channelDataHeader(0x4000, payload.length).length + payload.length);
  });

  it("gives the channel number range whose first bytes the demultiplexer reads as ChannelData", () => {
    const [low = "", high = "", firstLow = "", firstHigh = ""] = capture(
      text,
      /Channel numbers run from (0x[0-9A-F]{4}) to (0x[0-9A-F]{4})\.\*\* The first byte of a ChannelData message is therefore\s+(\d+) to (\d+)/u,
      "the channel range",
    );
    expect(isValidChannelNumber(hex(low))).toBe(true);
    expect(isValidChannelNumber(hex(high))).toBe(true);
    expect(isValidChannelNumber(hex(low) - 1)).toBe(false);
    expect(isValidChannelNumber(hex(high) + 1)).toBe(false);
    expect(hex(low) >> 8).toBe(Number(firstLow));
    expect(hex(high) >> 8).toBe(Number(firstHigh));
    expect(classifyPacket(Number(firstLow))).toBe("channel-data");
    expect(classifyPacket(Number(firstHigh))).toBe("channel-data");
  });

  it("adds up the cost of one relayed call", () => {
    const [each = "", inRate = "", outRate = "", megabits = "", gigabytes = ""] = capture(
      text,
      /A video call at\s+([\d.]+) Mbit\/s in each direction makes the server receive ([\d.]+) Mbit\/s and send ([\d.]+) Mbit\/s\. Over one hour that is\s+([\d,]+) megabits, ([\d.]+) GB sent/u,
      "the cost example",
    );
    expect(Number(inRate)).toBe(Number(each) * 2);
    expect(Number(outRate)).toBe(Number(each) * 2);
    expect(grouped(megabits)).toBe(Number(outRate) * 3600);
    expect(Number(gigabytes)).toBe(grouped(megabits) / 8 / 1000);
  });
});

type CandidateType = "host" | "prflx" | "srflx" | "relay";

/** The contract of src/shared/ice/priority.ts (team brief), the code the demos use. */
interface PriorityModule {
  candidatePriority(typePreference: number, localPreference: number, componentId: number): number;
  splitPriority(priority: number): { typePreference: number; localPreference: number; componentId: number };
  pairPriority(g: number, d: number): bigint;
  RECOMMENDED_TYPE_PREFERENCE: Readonly<Record<CandidateType, number>>;
}

const loadPriority = (): Promise<PriorityModule> => load<PriorityModule>("src/shared/ice/priority.ts");

describe("ICE lesson: priorities and pair priorities", () => {
  const text = lesson("ice");

  /** Rows of the candidate table: | type | type pref | local pref | component | priority | */
  const candidateRows = [...text.matchAll(/^\| (host|prflx|srflx|relay) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/gmu)].map((match) => ({
    type: (match[1] ?? "host") as CandidateType,
    typePreference: Number(match[2]),
    localPreference: Number(match[3]),
    componentId: Number(match[4]),
    priority: Number(match[5]),
  }));
  /** Priority of each type with component 1, as the lesson's table states it. */
  const tablePriority = (type: string): number | undefined => candidateRows.find((row) => row.type === type && row.componentId === 1)?.priority;

  it("lists a candidate of every type, each with the recommended type preference and the priority candidatePriority computes", async () => {
    const { candidatePriority, RECOMMENDED_TYPE_PREFERENCE } = await loadPriority();
    expect(new Set(candidateRows.map((row) => row.type))).toEqual(new Set(["host", "prflx", "srflx", "relay"]));
    for (const row of candidateRows) {
      expect(row.typePreference, `type preference of ${row.type}`).toBe(RECOMMENDED_TYPE_PREFERENCE[row.type]);
      expect(row.priority, JSON.stringify(row)).toBe(candidatePriority(row.typePreference, row.localPreference, row.componentId));
    }
    expect(text).toMatch(/126 for host, 110 for\s+peer-reflexive, 100 for server-reflexive and 0 for relayed/u);
  });

  it("works the host priority out step by step, to the value candidatePriority returns", async () => {
    const { candidatePriority } = await loadPriority();
    const [tp = "", scale = "", typePart = "", lp = "", localPart = "", component = "", componentPart = "", sum = ""] = capture(
      text,
      /(\d+) × ([\d,]+) =\s+([\d,]+); ([\d,]+) × 256 = ([\d,]+); 256 − (\d+) = (\d+)\. The sum is ([\d,]+)\./u,
      "the worked host priority",
    );
    expect(grouped(scale)).toBe(2 ** 24);
    expect(grouped(typePart)).toBe(Number(tp) * 2 ** 24);
    expect(grouped(localPart)).toBe(grouped(lp) * 256);
    expect(Number(componentPart)).toBe(256 - Number(component));
    expect(grouped(sum)).toBe(grouped(typePart) + grouped(localPart) + Number(componentPart));
    expect(grouped(sum)).toBe(candidatePriority(Number(tp), grouped(lp), Number(component)));
    expect(grouped(sum)).toBe(tablePriority("host"));
  });

  it("takes Chromium's priorities apart as splitPriority does", async () => {
    const { splitPriority } = await loadPriority();
    const [priority = "", tp = "", lp = "", componentPart = ""] = capture(text, /host candidate above, (\d+), is (\d+) × 2\^24 \+ (\d+) × 2\^8 \+ (\d+)/u, "the Chromium host priority");
    expect(splitPriority(Number(priority))).toEqual({ typePreference: Number(tp), localPreference: Number(lp), componentId: 256 - Number(componentPart) });
    const [srflx = "", srflxTp = ""] = capture(text, /Its srflx, (\d+), has type preference (\d+) and the same local\s+preference/u, "the Chromium srflx priority");
    expect(splitPriority(Number(srflx))).toEqual({ typePreference: Number(srflxTp), localPreference: Number(lp), componentId: 1 });
    const lines = fencedBlocks(text).find((block) => block.lang === "text" && block.content.startsWith("candidate:"));
    expect(lines, "the sample candidate lines").toBeDefined();
    for (const line of (lines?.content ?? "").split("\n")) {
      const [, linePriority = "", type = ""] = / udp (\d+) \S+ \d+ typ (\w+)/u.exec(line) ?? [];
      expect(linePriority, line).not.toBe("");
      const expectedTp: Record<string, number> = { host: Number(tp), srflx: Number(srflxTp) };
      expect(splitPriority(Number(linePriority)).typePreference, line).toBe(expectedTp[type]);
    }
  });

  it("gives each pair the priority pairPriority computes, from the candidates' priorities in the table", async () => {
    const { pairPriority } = await loadPriority();
    const rows = [...text.matchAll(/^\| (host|srflx|prflx|relay) ↔ (host|srflx|prflx|relay) \| (\d+) \| (\d+) \| (\d+) \|$/gmu)];
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const [row, localType = "", remoteType = "", g = "", d = "", stated = ""] of rows) {
      expect(Number(g), row).toBe(tablePriority(localType));
      expect(Number(d), row).toBe(tablePriority(remoteType));
      expect(BigInt(stated), row).toBe(pairPriority(Number(g), Number(d)));
      expect(BigInt(stated) > BigInt(Number.MAX_SAFE_INTEGER), `${row} exceeds Number.MAX_SAFE_INTEGER`).toBe(true);
    }
    const [maxSafe = ""] = capture(text, /exceed Number\.MAX_SAFE_INTEGER, ([\d,]+)/u, "Number.MAX_SAFE_INTEGER");
    expect(grouped(maxSafe)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("answers the Check yourself questions with the same functions", async () => {
    const { candidatePriority, pairPriority } = await loadPriority();
    const [tp = "", lp = "", componentPart = "", typePart = "", localPart = "", answer = ""] = capture(
      text,
      /(\d+) × 2\^24 \+ (\d+) × 2\^8 \+ (\d+) = ([\d,]+) \+ ([\d,]+) \+ \d+ = ([\d,]+)\./u,
      "the srflx priority answer",
    );
    expect(grouped(typePart)).toBe(Number(tp) * 2 ** 24);
    expect(grouped(localPart)).toBe(Number(lp) * 2 ** 8);
    expect(grouped(answer)).toBe(candidatePriority(Number(tp), Number(lp), 256 - Number(componentPart)));
    const [g = "", d = ""] = capture(text, /controlling side's candidate has priority (\d+) and the controlled side's (\d+)\./u, "the role-swap question");
    const [before = "", after = ""] = capture(text, /the pair priority drops from\s+(\d+) to (\d+)\./u, "the role-swap answer");
    expect(BigInt(before)).toBe(pairPriority(Number(g), Number(d)));
    expect(BigInt(after)).toBe(pairPriority(Number(d), Number(g)));
  });
});
