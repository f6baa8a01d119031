/**
 * What happens when the reader presses the TURN demo's button. Two RTCPeerConnections in this page,
 * both with iceTransportPolicy "relay", are connected to each other directly (loopback: the page
 * hands each one's description and candidates to the other, so no signaling server is needed).
 * Relay-only means each may use only a relayed address on this site's TURN server, so the data
 * channel's packets really flow browser → TURN server → TURN server → browser, and the inspector
 * reports the allocations, permissions, channels and byte counts.
 */
import { fetchIceConfig } from "../../lib/ice-config.ts";
import type { TransactionRecord } from "../../shared/stun/transaction-record.ts";
import { allocationStories } from "./allocation-sequence.ts";
import { DemoFailure } from "./failures.ts";
import { inspectableTurn, rtcIceServers } from "./ice-servers.ts";
import { subscribeInspector } from "./inspector-client.ts";
import { latestUsage, totalUsage } from "./transactions.ts";
import { ChangeSignal } from "./wait.ts";

export const MESSAGE_COUNT = 6;
const MESSAGE_INTERVAL_MS = 300;
const CONNECT_TIMEOUT_MS = 20_000;
const RECORD_TIMEOUT_MS = 8_000;

export interface TurnCaptureEvents {
  progress(step: string): void;
  /** Called whenever new records arrive, so the page can draw the sequence as it happens. */
  records(records: readonly TransactionRecord[]): void;
}

export async function captureAllocation(events: TurnCaptureEvents): Promise<readonly TransactionRecord[]> {
  if (typeof RTCPeerConnection === "undefined") throw new DemoFailure("no-webrtc", "RTCPeerConnection is not available in this browser.");
  events.progress("Asking this site's server for its TURN address and your short-lived credentials…");
  const config = await fetchIceConfig(AbortSignal.timeout(10_000));
  const credentials = inspectableTurn(config);

  const signal = new ChangeSignal();
  const records: TransactionRecord[] = [];
  events.progress("Subscribing to the packet inspector with those credentials…");
  const inspector = await subscribeInspector(credentials, (record) => {
    records.push(record);
    events.records(records);
    signal.changed();
  });
  records.push(...inspector.backlog);

  const rtcConfig: RTCConfiguration = { iceServers: rtcIceServers(config), iceTransportPolicy: "relay" };
  const a = new RTCPeerConnection(rtcConfig);
  const b = new RTCPeerConnection(rtcConfig);
  const failures: string[] = [];
  try {
    for (const [pc, other] of [[a, b], [b, a]] as const) {
      pc.addEventListener("icecandidate", (event) => {
        if (event.candidate) other.addIceCandidate(event.candidate).catch((error: unknown) => failures.push(String(error)));
      });
      pc.addEventListener("icecandidateerror", (event) => {
        failures.push(`${String(event.errorCode)} ${event.errorText}`);
      });
    }
    const channel = a.createDataChannel("through-turn");
    let echoes = 0;
    b.addEventListener("datachannel", (event) => {
      event.channel.addEventListener("message", (message) => event.channel.send(`echo: ${String(message.data)}`));
    });
    channel.addEventListener("open", () => signal.changed());
    channel.addEventListener("message", () => {
      echoes++;
      signal.changed();
    });

    events.progress("Two relay-only peer connections in this page: each allocates a relayed address (watch the 401 challenge and the signed retry)…");
    await a.setLocalDescription();
    await b.setRemoteDescription(a.localDescription ?? { type: "offer" });
    await b.setLocalDescription();
    await a.setRemoteDescription(b.localDescription ?? { type: "answer" });
    await signal.until(() => (channel.readyState === "open" ? true : undefined), CONNECT_TIMEOUT_MS, `the data channel to open through the relay${failures.length > 0 ? ` (errors: ${failures.join("; ")})` : ""}`);

    events.progress(`Connected through the relay. Sending ${String(MESSAGE_COUNT)} messages over the data channel; each is echoed back…`);
    for (let i = 1; i <= MESSAGE_COUNT; i++) {
      channel.send(`message ${String(i)} of ${String(MESSAGE_COUNT)}: hello through TURN`);
      await new Promise((resolve) => setTimeout(resolve, MESSAGE_INTERVAL_MS));
    }
    await signal.until(() => (echoes >= MESSAGE_COUNT ? true : undefined), RECORD_TIMEOUT_MS, "the echoes to come back");
    await signal.until(() => (totalUsage(latestUsage(records)).bytesToPeer > 0 ? true : undefined), RECORD_TIMEOUT_MS, "the server's byte counts for relayed data");

    events.progress("Closing both connections: the browser deletes its allocations with a Refresh of LIFETIME 0…");
    const allocations = allocationStories(records).filter((s) => s.relayed !== undefined).length;
    a.close();
    b.close();
    // The final counts arrive with the "deleted" usage records; not fatal if they are late.
    await signal
      .until(() => (latestUsage(records).filter((u) => u.reason !== "periodic").length >= allocations ? true : undefined), 3_000, "the allocations to be deleted")
      .catch(() => undefined);
    return [...records];
  } finally {
    a.close();
    b.close();
    inspector.close();
  }
}
