/**
 * The XOR of XOR-MAPPED-ADDRESS worked out on the reader's own response, next to the srflx
 * candidate their browser made from it.
 */
import { el } from "../../lib/dom.ts";
import type { SrflxMatch } from "./srflx.ts";
import type { XorWorkedExample } from "./xor-example.ts";

const h2 = (n: number): string => n.toString(16).padStart(2, "0");
const h4 = (n: number): string => `0x${n.toString(16).padStart(4, "0")}`;

export function renderXor(example: XorWorkedExample): HTMLElement {
  const byteTable = el(
    "table",
    { class: "pk-xor-table" },
    el("caption", {}, `x-address XOR ${example.family === "IPv4" ? "the magic cookie" : "the magic cookie followed by the transaction ID"}, byte by byte`),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Sent (x-address)"), el("th", { scope: "col" }, "Key"), el("th", { scope: "col" }, "XOR"), el("th", { scope: "col" }, example.family === "IPv4" ? "Decimal" : "Hex"))),
    el(
      "tbody",
      {},
      ...example.addressSteps.map((s) => el("tr", {}, el("td", {}, el("code", {}, `0x${h2(s.value)}`)), el("td", {}, el("code", {}, `0x${h2(s.key)}`)), el("td", {}, el("code", {}, `0x${h2(s.result)}`)), el("td", {}, example.family === "IPv4" ? String(s.result) : h2(s.result)))),
    ),
  );
  return el(
    "section",
    { class: "pk-xor", "data-testid": "xor-worked", "aria-labelledby": "pk-xor-h" },
    el("h4", { id: "pk-xor-h" }, `${example.attributeName} worked out`),
    el(
      "ol",
      {},
      el(
        "li",
        {},
        `Port: the two bytes at ${String(example.xPortRange.start)}–${String(example.xPortRange.end - 1)} are x-port `,
        el("code", {}, h4(example.xPort)),
        ". ",
        el("code", {}, `${h4(example.xPort)} XOR ${h4(example.portKey)} = ${h4(example.port)}`),
        " = ",
        el("strong", { "data-testid": "xor-port" }, String(example.port)),
        ` (the key is the top 16 bits of the magic cookie).`,
      ),
      el(
        "li",
        {},
        `Address: the ${String(example.addressSteps.length)} bytes at ${String(example.xAddressRange.start)}–${String(example.xAddressRange.end - 1)} are x-address `,
        el("code", {}, `0x${example.xAddressHex}`),
        ". ",
        el("code", {}, `0x${example.xAddressHex} XOR 0x${example.keyHex} = 0x${example.resultHex}`),
        " = ",
        el("strong", { "data-testid": "xor-address" }, example.address),
        ".",
        byteTable,
      ),
    ),
    el("p", {}, "Result: ", el("strong", { "data-testid": "xor-result" }, example.family === "IPv6" ? `[${example.address}]:${String(example.port)}` : `${example.address}:${String(example.port)}`), example.matchesRecord ? " — the same address the server's decoder reported." : " — this differs from what the server's decoder reported, which would be a bug."),
  );
}

export function renderSrflx(match: SrflxMatch, mapped: string): HTMLElement {
  const body: (Node | string)[] = [];
  if (match.kind === "srflx") {
    body.push(
      el("p", {}, "Your browser turned that address into this server-reflexive (srflx) candidate: same address, same port."),
      el("pre", { class: "pk-candidate" }, el("code", { "data-testid": "srflx-candidate" }, match.line ?? "")),
      el("p", {}, `raddr/rport name the local socket it was seen from: ${match.candidate?.relatedAddress ?? "?"}:${String(match.candidate?.relatedPort ?? "?")}${match.candidate?.relatedAddress === "0.0.0.0" ? " (hidden by the browser for privacy)" : ""}.`),
    );
  } else if (match.kind === "same-as-host") {
    body.push(
      el("p", { "data-testid": "srflx-none" }, `No srflx candidate: ${mapped} is the address of your own socket, so there is no NAT between you and this server. The browser drops a server-reflexive candidate that equals its host candidate as redundant:`),
      el("pre", { class: "pk-candidate" }, el("code", {}, match.line ?? "")),
    );
  } else {
    body.push(el("p", { "data-testid": "srflx-none" }, `No candidate with ${mapped} was reported. Browsers that hide local addresses behind mDNS names, or that had already found the same srflx address through another server, may not report it separately.`));
  }
  return el("section", { class: "pk-srflx", "data-testid": "srflx", "aria-labelledby": "pk-srflx-h" }, el("h4", { id: "pk-srflx-h" }, "The candidate your browser produced"), ...body);
}
