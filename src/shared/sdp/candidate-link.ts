/**
 * One ID per ICE candidate, shared by the annotated SDP line and the candidate table row, so a
 * click on `a=candidate:...` can jump to its row and back. The same candidate reaches the page
 * twice (trickled through signaling, and inside the description), sometimes with different
 * trailing extensions (generation, ufrag, network-cost), so the ID covers only the eight fields
 * RFC 8839 §5.1 makes mandatory: foundation, component, transport, priority, address, port, "typ", type.
 */

/** Strips "a=" and "candidate:" and returns the mandatory fields, or undefined if there are fewer than eight. */
function mandatoryFields(line: string): string[] | undefined {
  const body = line.trim().replace(/^a=/iu, "").replace(/^candidate:/iu, "");
  const fields = body.split(/\s+/u).slice(0, 8);
  return fields.length === 8 ? fields.map((f, i) => (i === 2 ? f.toLowerCase() : f)) : undefined;
}

/** FNV-1a, 32 bits: short, stable, and safe to put in an HTML id. Not a security measure. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** A stable ID such as "cand-1a2b3c4d", or undefined for a line that is not a candidate. */
export function candidateLinkId(line: string): string | undefined {
  const fields = mandatoryFields(line);
  return fields ? `cand-${fnv1a(fields.join(" "))}` : undefined;
}
