/**
 * What happens when the reader presses "Send a Binding request": the page gets its ICE servers
 * and TURN credentials from this site, subscribes to its own packets, and starts ICE gathering
 * with one RTCPeerConnection. Gathering makes the browser send a STUN Binding request to the
 * site's server; the server answers with XOR-MAPPED-ADDRESS, and the inspector hands both
 * messages back to this page. The browser turns the answer into a srflx candidate.
 */
import { fetchIceConfig } from "../../lib/ice-config.ts";
import type { TransactionRecord } from "../../shared/stun/transaction-record.ts";
import { DemoFailure } from "./failures.ts";
import { inspectableTurn, rtcIceServers } from "./ice-servers.ts";
import { subscribeInspector } from "./inspector-client.ts";
import { firstBindingExchange, type Transaction } from "./transactions.ts";
import { ChangeSignal } from "./wait.ts";

export interface StunCaptureResult {
  readonly exchange: NonNullable<ReturnType<typeof firstBindingExchange>>;
  readonly candidates: readonly string[];
  readonly records: readonly TransactionRecord[];
}

export interface CaptureProgress {
  (step: string): void;
}

const EXCHANGE_TIMEOUT_MS = 15_000;
const GATHERING_TIMEOUT_MS = 10_000;

export async function captureBinding(progress: CaptureProgress): Promise<StunCaptureResult> {
  if (typeof RTCPeerConnection === "undefined") throw new DemoFailure("no-webrtc", "RTCPeerConnection is not available in this browser.");
  progress("Asking this site's server for its STUN/TURN addresses and your short-lived TURN credentials…");
  const config = await fetchIceConfig(AbortSignal.timeout(10_000));
  const credentials = inspectableTurn(config);

  const signal = new ChangeSignal();
  const records: TransactionRecord[] = [];
  progress("Subscribing to the packet inspector with those credentials (it shows this page's packets only)…");
  const inspector = await subscribeInspector(credentials, (record) => {
    records.push(record);
    signal.changed();
  });
  records.push(...inspector.backlog);

  const candidates: string[] = [];
  let gatheringDone = false;
  const pc = new RTCPeerConnection({ iceServers: rtcIceServers(config) });
  try {
    pc.addEventListener("icecandidate", (event) => {
      if (event.candidate?.candidate) candidates.push(event.candidate.candidate);
      else gatheringDone = true;
      signal.changed();
    });
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") gatheringDone = true;
      signal.changed();
    });
    // A data channel gives the description something to negotiate, so gathering starts.
    pc.createDataChannel("packets");
    progress("Creating an RTCPeerConnection and calling setLocalDescription(): ICE gathering starts and your browser sends a Binding request…");
    await pc.setLocalDescription();
    const exchange = await signal.until(() => firstBindingExchange(records), EXCHANGE_TIMEOUT_MS, "your Binding request and its response to reach the inspector");
    progress("Got the Binding response; waiting for the browser to finish gathering candidates…");
    await signal.until(() => (gatheringDone ? true : undefined), GATHERING_TIMEOUT_MS, "ICE gathering to complete").catch(() => undefined);
    return { exchange, candidates: [...candidates], records: [...records] };
  } finally {
    pc.close();
    inspector.close();
  }
}

export type { Transaction };
