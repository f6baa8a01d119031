/**
 * Attribute values as text for the decoded-field tables, and one plain-words line per attribute
 * saying what it is for (RFC 8489 §14, RFC 8656 §18).
 */
import type { AttributeRecord } from "../../shared/stun/transaction-record.ts";

const PURPOSE: Readonly<Record<string, string>> = {
  "MAPPED-ADDRESS": "Your address as the server saw it, in the clear (kept only for RFC 3489 clients).",
  "XOR-MAPPED-ADDRESS": "Your address as the server saw it, XOR-ed so that NAT ALGs cannot rewrite it.",
  USERNAME: "Who is asking: here the short-lived TURN username, expiry time : session.",
  "MESSAGE-INTEGRITY": "HMAC-SHA1 over the message, keyed with the password: proves the sender knows it without sending it.",
  FINGERPRINT: "CRC-32 of the message XOR 0x5354554e: tells STUN apart from other protocols on the same port.",
  "ERROR-CODE": "Why the request failed: class (hundreds) and number, plus a reason phrase.",
  REALM: "The protection domain the credentials belong to.",
  NONCE: "A server-chosen value the client must echo back, limiting replay of old requests.",
  SOFTWARE: "The name of the software that sent the message (information only).",
  "UNKNOWN-ATTRIBUTES": "Comprehension-required attributes the server did not understand (with error 420).",
  "CHANNEL-NUMBER": "The channel (0x4000-0x4FFF) that will stand for one peer address.",
  LIFETIME: "Seconds until the allocation expires unless refreshed.",
  "XOR-PEER-ADDRESS": "The peer's address, XOR-ed like XOR-MAPPED-ADDRESS.",
  DATA: "The application data being relayed.",
  "XOR-RELAYED-ADDRESS": "The relayed address the server allocated for you: peers send here.",
  "REQUESTED-TRANSPORT": "The transport to relay: 17 means UDP.",
  "DONT-FRAGMENT": "Asks the server to set the IP don't-fragment bit towards peers.",
  "EVEN-PORT": "Asks for an even relayed port (for RTP).",
  "RESERVATION-TOKEN": "Reserves the next port for a second allocation.",
  "REQUESTED-ADDRESS-FAMILY": "IPv4 or IPv6 for the relayed address.",
};

export function attributePurpose(name: string): string {
  return PURPOSE[name] ?? "An attribute this site's decoder does not explain; its raw value is shown.";
}

export function attributeValueText(attribute: AttributeRecord): string {
  const value = attribute.value;
  if (typeof value === "string") {
    // Binary values arrive as hex; text values (USERNAME, REALM, NONCE, SOFTWARE) as text.
    return attribute.error === undefined && !isBinary(attribute.name) ? `"${value}"` : `0x${value}`;
  }
  if (typeof value === "number") {
    if (attribute.name === "FINGERPRINT") return `0x${value.toString(16).padStart(8, "0")}`;
    if (attribute.name === "CHANNEL-NUMBER") return `0x${value.toString(16).padStart(4, "0")}`;
    if (attribute.name === "REQUESTED-TRANSPORT") return `${String(value)}${value === 17 ? " (UDP)" : ""}`;
    if (attribute.name === "LIFETIME") return `${String(value)} s`;
    return String(value);
  }
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (Array.isArray(value)) return value.map((n) => `0x${n.toString(16).padStart(4, "0")}`).join(", ");
  const address = value["address"];
  const port = value["port"];
  if (typeof address === "string" && typeof port === "number") return address.includes(":") ? `[${address}]:${String(port)}` : `${address}:${String(port)}`;
  if (typeof value["code"] === "number") return `${String(value["code"])} ${String(value["reason"] ?? "")}`.trim();
  return Object.entries(value)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
}

function isBinary(name: string): boolean {
  return name === "MESSAGE-INTEGRITY" || name === "DATA" || name === "RESERVATION-TOKEN" || name.startsWith("0x");
}
