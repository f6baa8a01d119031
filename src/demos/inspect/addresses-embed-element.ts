/**
 * <address-classes-embed> (IPv4 lesson, DemoSlot "address-classes"): on the reader's click,
 * gathers candidates and lists every distinct address the browser revealed with its class
 * (classifyAddress) and the same "what it means for you" sentences as /inspect/.
 */
import { el, part } from "../../lib/dom.ts";
import { fetchIceConfig } from "../../lib/ice-config.ts";
import type { DemoStatus } from "../packets/demo-status.ts";
import { renderAddressNotes } from "./address-list.ts";
import { addressNotes, whatItMeans } from "./explain.ts";
import { gatherSession } from "./gather-session.ts";
import { toRtcIceServer } from "../../shared/ice-config.ts";
import { LessonEmbedElement } from "./lesson-embed.ts";

class AddressClassesEmbed extends LessonEmbedElement {
  protected readonly idleText = "Nothing gathered yet. Press the button to start.";

  protected async run(status: DemoStatus): Promise<void> {
    status.step("Asking this site's server for its STUN/TURN settings…");
    const config = await fetchIceConfig();
    status.step("Gathering candidates: each one carries an address…");
    const final = await this.track(gatherSession({ iceServers: config.iceServers.map(toRtcIceServer), policy: "all", onUpdate: () => undefined })).done;
    const notes = addressNotes(final.rows);
    const list = el("ul", { "data-testid": "address-list" });
    renderAddressNotes(list, notes, "Your browser revealed no addresses.");
    part(this, "result").append(
      el("h4", {}, "The addresses your browser revealed"),
      list,
      el("h4", {}, "What it means for you"),
      el("ul", { "data-testid": "address-meaning" }, ...whatItMeans(final.rows, "all").map((t) => el("li", {}, t))),
    );
    status.set("done", `Done: ${notes.length} distinct address${notes.length === 1 ? "" : "es"}.${final.problem ? ` ${final.problem}` : ""}`);
  }
}

if (!customElements.get("address-classes-embed")) customElements.define("address-classes-embed", AddressClassesEmbed);
