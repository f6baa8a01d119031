/**
 * <inspect-candidates-embed> (ICE lesson, DemoSlot "inspect-candidates"): on the reader's click,
 * gathers against this site's STUN/TURN server with the /inspect/ page's own session logic and
 * draws the shared candidate table plus one line per candidate type present.
 */
import { el, part } from "../../lib/dom.ts";
import { renderCandidateRows } from "../../components/candidates/render.ts";
import { CANDIDATE_COLUMNS } from "../../components/candidates/rows.ts";
import { fetchIceConfig } from "../../lib/ice-config.ts";
import type { DemoStatus } from "../packets/demo-status.ts";
import { candidateTypeLine, typesPresent } from "./explain.ts";
import { gatherSession } from "./gather-session.ts";
import { toRtcIceServer } from "../../shared/ice-config.ts";
import { LessonEmbedElement } from "./lesson-embed.ts";
import { countByType, countsText, type InspectState } from "./session.ts";

class InspectCandidatesEmbed extends LessonEmbedElement {
  protected readonly idleText = "Nothing gathered yet. Press the button to start.";

  protected async run(status: DemoStatus): Promise<void> {
    status.step("Asking this site's server for its STUN/TURN settings…");
    const config = await fetchIceConfig();
    status.step("Gathering candidates…");
    part(this, "table").hidden = false;
    // Rows appear as they trickle in; the live status stays quiet until the end (one announcement, not one per candidate).
    const render = (state: InspectState): void => renderCandidateRows(part(this, "candidates"), state.rows, "local", "No candidates yet.", CANDIDATE_COLUMNS.length);
    const final = await this.track(gatherSession({ iceServers: config.iceServers.map(toRtcIceServer), policy: "all", onUpdate: render })).done;
    part(this, "result").append(
      el("h4", {}, "What each type means"),
      el(
        "ul",
        { "data-testid": "type-explanations" },
        ...typesPresent(final.rows).map((t) => el("li", { "data-type": t }, el("strong", {}, t), `: ${candidateTypeLine(t)}`)),
      ),
    );
    const seconds = ((final.completedAtMs ?? 0) / 1000).toFixed(2);
    status.set("done", `Done in ${seconds} s: ${countsText(countByType(final))}.${final.problem ? ` ${final.problem}` : ""}${final.errors.length > 0 ? ` ${final.errors.length} server error(s): /inspect/ explains them.` : ""}`);
  }
}

if (!customElements.get("inspect-candidates-embed")) customElements.define("inspect-candidates-embed", InspectCandidatesEmbed);
