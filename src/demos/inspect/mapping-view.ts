/**
 * Draws a mapping verdict into the parts named mapping-verdict, mapping-confidence,
 * mapping-summary, mapping-evidence and mapping-caveats: the same markup contract on /inspect/ and
 * in the NAT lesson's embed.
 */
import { el, part } from "../../lib/dom.ts";
import type { MappingVerdict } from "../../shared/ice/mapping-verdict.ts";

export function renderMappingVerdict(root: ParentNode, verdict: MappingVerdict): void {
  const verdictEl = part(root, "mapping-verdict");
  verdictEl.textContent = verdict.verdict;
  verdictEl.dataset["verdict"] = verdict.verdict;
  part(root, "mapping-confidence").textContent = `(confidence: ${verdict.confidence})`;
  part(root, "mapping-summary").textContent = verdict.summary;
  part(root, "mapping-evidence").replaceChildren(...verdict.evidence.map((t) => el("li", {}, t)));
  part(root, "mapping-caveats").replaceChildren(...verdict.caveats.map((t) => el("li", {}, t)));
}
