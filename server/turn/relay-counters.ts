// Byte and packet counts for relayed data, kept per permission and per channel so the packet
// inspector can show "how much went through this door" without one record per packet.
export interface RelayCounters {
  bytesToPeer: number;
  packetsToPeer: number;
  bytesFromPeer: number;
  packetsFromPeer: number;
}

export function emptyCounters(): RelayCounters {
  return { bytesToPeer: 0, packetsToPeer: 0, bytesFromPeer: 0, packetsFromPeer: 0 };
}
