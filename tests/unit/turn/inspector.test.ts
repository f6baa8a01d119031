import { describe, expect, it } from "vitest";
import { fromHex } from "../../../src/shared/stun/ip-bytes.ts";
import { TransactionRecordSchema, type TransactionRecord } from "../../../src/shared/stun/transaction-record.ts";
import { StunMessageBuilder } from "../../../server/stun/builder.ts";
import { StunClass, StunMethod } from "../../../server/stun/constants.ts";
import { ErrorCodeAttribute, errorCode } from "../../../server/stun/attributes/error-code.ts";
import { Username } from "../../../server/stun/attributes/username.ts";
import { XorMappedAddress } from "../../../server/stun/attributes/xor-mapped-address.ts";
import { createInspector } from "../../../server/turn/inspector.ts";

const txid = fromHex("b7e7a701bc34d686fa87dfae");
const client = { address: "192.0.2.1", port: 32853 };
const server = { address: "203.0.113.1", port: 3478 };

describe("packet inspector records", () => {
  it("is disabled (and builds nothing) without a listener", () => {
    const inspector = createInspector(undefined, () => 0, () => undefined);
    expect(inspector.enabled).toBe(false);
    inspector.message("in", new Uint8Array(3), client, server, "udp");
  });

  it("describes each attribute with its offset, length and decoded value, plus the raw hex", () => {
    const records: TransactionRecord[] = [];
    const inspector = createInspector((r) => records.push(r), () => 1_700_000_000_000, () => undefined);
    const response = new StunMessageBuilder(StunMethod.binding, StunClass.successResponse, txid).add(XorMappedAddress, client).build({ fingerprint: true });
    inspector.message("out", response, server, client, "udp", "1700000600:abc");
    const record = TransactionRecordSchema.parse(records[0]);
    expect(record).toMatchObject({
      kind: "stun",
      direction: "out",
      methodName: "Binding",
      className: "success response",
      transactionId: "b7e7a701bc34d686fa87dfae",
      source: server,
      destination: client,
      username: "1700000600:abc",
      byteLength: response.length,
    });
    if (record.kind !== "stun") throw new Error("kind");
    expect(record.rawHex.startsWith("0101")).toBe(true);
    expect(record.attributes[0]).toEqual({ type: 0x0020, name: "XOR-MAPPED-ADDRESS", offset: 20, length: 8, value: client });
    expect(record.attributes[1]).toMatchObject({ type: 0x8028, name: "FINGERPRINT", offset: 32, length: 4 });
  });

  it("takes USERNAME from the message and the error code from ERROR-CODE", () => {
    const records: TransactionRecord[] = [];
    const inspector = createInspector((r) => records.push(r), () => 0, () => undefined);
    const m = new StunMessageBuilder(StunMethod.allocate, StunClass.errorResponse, txid).add(ErrorCodeAttribute, errorCode(401)).add(Username, "1:u").build();
    inspector.message("out", m, server, client, "udp");
    expect(records[0]).toMatchObject({ username: "1:u", errorCode: 401, methodName: "Allocate", className: "error response" });
  });

  it("a listener that throws does not break the server", () => {
    const lines: string[] = [];
    const inspector = createInspector(() => {
      throw new Error("listener bug");
    }, () => 0, (l) => lines.push(l));
    inspector.message("in", new StunMessageBuilder(StunMethod.binding, StunClass.request, txid).build(), client, server, "tcp");
    expect(lines[0]).toMatch(/listener bug/);
  });
});
