/**
 * The NAT mapping check (RFC 4787 §4.1): one gathering run against the server's two STUN ports,
 * read into the shape mapping-verdict.ts judges. Used by /inspect/ and the NAT lesson's embed
 * (DemoSlot "nat-mapping"), so both reach the same verdict from the same evidence.
 */
import { parseCandidate } from "../../shared/ice/candidate.ts";
import { mappingVerdict, serverFailed, type MappingInput, type MappingVerdict, type ReflexiveObservation } from "../../shared/ice/mapping-verdict.ts";
import { gather, type GatherResult } from "./gather.ts";

export const MAPPING_TIMEOUT_MS = 20_000;

/** What the mapping run produced, in the shape mapping-verdict.ts reads. Unreadable candidates are skipped. */
export function toMappingInput(urls: readonly string[], result: Pick<GatherResult, "candidates" | "errors" | "timedOut">): MappingInput {
  const srflx: ReflexiveObservation[] = [];
  const host: { address: string; port: number; protocol: string }[] = [];
  for (const c of result.candidates) {
    let p;
    try {
      p = parseCandidate(c.raw);
    } catch {
      continue;
    }
    if (p.type === "srflx") srflx.push({ address: p.address, port: p.port, relatedAddress: p.relatedAddress, relatedPort: p.relatedPort, url: c.url, protocol: p.protocol });
    if (p.type === "host") host.push({ address: p.address, port: p.port, protocol: p.protocol });
  }
  return {
    servers: urls.map((url) => ({ url, failed: serverFailed(url, result.errors, srflx) })),
    srflx,
    host,
    complete: !result.timedOut,
  };
}

export interface MappingRun {
  done: Promise<MappingVerdict>;
  close(): void;
}

/** Gathers against every URL of the mapping servers from one peer connection, then judges. */
export function mappingCheck(servers: readonly { urls: readonly string[] }[], timeoutMs = MAPPING_TIMEOUT_MS): MappingRun {
  const urls = servers.flatMap((s) => s.urls);
  const run = gather({ iceServers: urls.map((u) => ({ urls: u })), policy: "all", clock: () => performance.now(), timeoutMs });
  const done = run.done.then((result) => {
    run.close();
    return mappingVerdict(toMappingInput(urls, result));
  });
  return { done, close: () => run.close() };
}
