/**
 * The TURN allocation as a story (RFC 8656 §7): the first Allocate has no credentials and is
 * refused with 401 and a REALM and NONCE; the retry carries USERNAME, REALM, NONCE and
 * MESSAGE-INTEGRITY and is granted a relayed address; then the client installs permissions,
 * binds channels and refreshes. One step per transaction, in the order they happened, grouped by
 * the browser address that made the allocation (a browser allocates once per network interface).
 */
import type { AttributeRecord, ClientTransport, Endpoint, StunMessageRecord, TransactionRecord } from "../../shared/stun/transaction-record.ts";
import { clientKey, endpointKey, groupTransactions, type Transaction } from "./transactions.ts";

export type StepKind =
  | "allocate-unauthenticated"
  | "allocate-authenticated"
  | "allocate-refused"
  | "create-permission"
  | "channel-bind"
  | "refresh"
  | "delete"
  | "binding"
  | "other";

export interface SequenceStep {
  readonly kind: StepKind;
  /** One line for the list: "Allocate without credentials → 401 Unauthorized". */
  readonly title: string;
  /** Plain-words details: realm and nonce, relayed address, lifetime, peer, channel. */
  readonly details: readonly string[];
  readonly transaction: Transaction;
}

export interface AllocationStory {
  readonly client: Endpoint;
  /** UDP, or TCP when the browser reached the server over TCP (its relayed address is UDP either way). */
  readonly transport: ClientTransport;
  readonly steps: readonly SequenceStep[];
  /** Set once an Allocate succeeded. */
  readonly relayed: Endpoint | undefined;
  readonly mapped: Endpoint | undefined;
  readonly lifetimeSeconds: number | undefined;
  readonly sawChallenge: boolean;
}

const attr = (m: StunMessageRecord | undefined, name: string): AttributeRecord | undefined => m?.attributes.find((a) => a.name === name);

function endpointValue(a: AttributeRecord | undefined): Endpoint | undefined {
  const v = a?.value;
  if (typeof v !== "object" || Array.isArray(v)) return undefined;
  const address = v["address"];
  const port = v["port"];
  return typeof address === "string" && typeof port === "number" ? { address, port } : undefined;
}

function numberValue(a: AttributeRecord | undefined): number | undefined {
  return typeof a?.value === "number" ? a.value : undefined;
}

function stringValue(a: AttributeRecord | undefined): string | undefined {
  return typeof a?.value === "string" ? a.value : undefined;
}

function outcomeText(t: Transaction): string {
  if (t.outcome === "pending") return "no answer yet";
  if (t.outcome === "success") return "success";
  if (t.outcome === "indication") return "indication (no answer expected)";
  const reason = attr(t.response, "ERROR-CODE")?.value;
  const phrase = typeof reason === "object" && !Array.isArray(reason) && typeof reason["reason"] === "string" ? ` ${reason["reason"]}` : "";
  return `error ${String(t.errorCode ?? "")}${phrase}`;
}

export function describeStep(t: Transaction): SequenceStep {
  const req = t.request;
  const res = t.response;
  const details: string[] = [];
  const hasIntegrity = attr(req, "MESSAGE-INTEGRITY") !== undefined;
  const result = outcomeText(t);
  if (t.requestCount > 1) details.push(`Sent ${String(t.requestCount)} times (UDP retransmissions of the same transaction ID)`);
  switch (t.methodName) {
    case "Allocate": {
      if (t.outcome === "error") {
        const realm = stringValue(attr(res, "REALM"));
        const nonce = stringValue(attr(res, "NONCE"));
        if (realm !== undefined) details.push(`REALM "${realm}": which user database the credentials belong to`);
        if (nonce !== undefined) details.push(`NONCE "${nonce}": to be echoed back in the signed retry, so an old request cannot be replayed`);
      }
      if (hasIntegrity) {
        const username = stringValue(attr(req, "USERNAME"));
        if (username !== undefined) details.push(`USERNAME "${username}" (expiry time : session), with MESSAGE-INTEGRITY: an HMAC-SHA1 over the message keyed with the password, which is never sent`);
      }
      const relayed = endpointValue(attr(res, "XOR-RELAYED-ADDRESS"));
      const mapped = endpointValue(attr(res, "XOR-MAPPED-ADDRESS"));
      const lifetime = numberValue(attr(res, "LIFETIME"));
      if (relayed) details.push(`XOR-RELAYED-ADDRESS ${endpointKey(relayed)}: the address peers send to, on the server`);
      if (mapped) details.push(`XOR-MAPPED-ADDRESS ${endpointKey(mapped)}: your address as the server saw it`);
      if (lifetime !== undefined) details.push(`LIFETIME ${String(lifetime)} s: the allocation expires unless refreshed`);
      const kind: StepKind = !hasIntegrity ? "allocate-unauthenticated" : t.outcome === "error" ? "allocate-refused" : "allocate-authenticated";
      const what = hasIntegrity ? "Allocate with USERNAME and MESSAGE-INTEGRITY" : "Allocate without credentials";
      return { kind, title: `${what} → ${result}`, details, transaction: t };
    }
    case "CreatePermission": {
      const peers = (req?.attributes ?? []).filter((a) => a.name === "XOR-PEER-ADDRESS").map(endpointValue).filter((e): e is Endpoint => e !== undefined);
      for (const p of peers) details.push(`Permission for ${p.address}: the relay now accepts packets from that IP (any port)`);
      return { kind: "create-permission", title: `CreatePermission → ${result}`, details, transaction: t };
    }
    case "ChannelBind": {
      const channel = numberValue(attr(req, "CHANNEL-NUMBER"));
      const peer = endpointValue(attr(req, "XOR-PEER-ADDRESS"));
      if (channel !== undefined && peer) details.push(`Channel 0x${channel.toString(16)} ↔ ${endpointKey(peer)}: data then travels with a 4-byte header instead of a 36-byte Send indication`);
      return { kind: "channel-bind", title: `ChannelBind → ${result}`, details, transaction: t };
    }
    case "Refresh": {
      const lifetime = numberValue(attr(req, "LIFETIME"));
      const granted = numberValue(attr(res, "LIFETIME"));
      const isDelete = lifetime === 0;
      details.push(isDelete ? "LIFETIME 0: the client deletes its allocation" : `Asks to keep the allocation; granted ${String(granted ?? "?")} s`);
      return { kind: isDelete ? "delete" : "refresh", title: `Refresh${isDelete ? " (delete)" : ""} → ${result}`, details, transaction: t };
    }
    case "Binding":
      return { kind: "binding", title: `Binding → ${result}`, details, transaction: t };
    default:
      return { kind: "other", title: `${t.methodName} → ${result}`, details, transaction: t };
  }
}

/** One story per browser address, ordered by when that address first spoke. */
export function allocationStories(records: readonly TransactionRecord[]): AllocationStory[] {
  const stories = new Map<string, { client: Endpoint; transport: ClientTransport; steps: SequenceStep[] }>();
  for (const t of groupTransactions(records)) {
    if (t.outcome === "indication") continue; // Send/Data indications are data, counted in relay usage
    const key = clientKey(t.client, t.transport);
    const story = stories.get(key) ?? { client: t.client, transport: t.transport, steps: [] };
    story.steps.push(describeStep(t));
    stories.set(key, story);
  }
  return [...stories.values()]
    .filter((s) => s.steps.some((step) => step.transaction.methodName === "Allocate"))
    .map((s) => {
      const granted = s.steps.find((step) => step.kind === "allocate-authenticated" && step.transaction.outcome === "success")?.transaction.response;
      return {
        client: s.client,
        transport: s.transport,
        steps: s.steps,
        relayed: endpointValue(attr(granted, "XOR-RELAYED-ADDRESS")),
        mapped: endpointValue(attr(granted, "XOR-MAPPED-ADDRESS")),
        lifetimeSeconds: numberValue(attr(granted, "LIFETIME")),
        sawChallenge: s.steps.some((step) => step.transaction.errorCode === 401),
      };
    });
}
