/**
 * <nat-mapping-embed> (NAT lesson, DemoSlot "nat-mapping"): on the reader's click, runs the
 * /inspect/ page's NAT mapping check against this site's two STUN ports and shows the verdict,
 * its confidence, the evidence and the caveats.
 */
import { part } from "../../lib/dom.ts";
import { fetchIceConfig } from "../../lib/ice-config.ts";
import type { DemoStatus } from "../packets/demo-status.ts";
import { LessonEmbedElement } from "./lesson-embed.ts";
import { mappingCheck } from "./mapping-check.ts";
import { renderMappingVerdict } from "./mapping-view.ts";

class NatMappingEmbed extends LessonEmbedElement {
  protected readonly idleText = "Not measured yet. Press the button to start.";

  protected async run(status: DemoStatus): Promise<void> {
    status.step("Asking this site's server for its two STUN ports…");
    const config = await fetchIceConfig();
    part(this, "verdict-box").hidden = false;
    status.step(`Asking ${config.mappingServers.flatMap((s) => s.urls).join(" and ") || "no STUN server"} from one socket…`);
    part(this, "mapping-verdict").textContent = "measuring";
    const verdict = await this.track(mappingCheck(config.mappingServers)).done;
    renderMappingVerdict(this, verdict);
    status.set("done", `Done: ${verdict.verdict} (confidence: ${verdict.confidence}).`);
  }
}

if (!customElements.get("nat-mapping-embed")) customElements.define("nat-mapping-embed", NatMappingEmbed);
