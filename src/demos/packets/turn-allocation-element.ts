/**
 * <turn-allocation>: waits for the reader to press the button, then runs captureAllocation and
 * draws each allocation as a sequence of transactions (as they happen) and the relayed byte counts.
 */
import type { TransactionRecord } from "../../shared/stun/transaction-record.ts";
import { allocationStories, type AllocationStory } from "./allocation-sequence.ts";
import { DemoStatus } from "./demo-status.ts";
import { el, part } from "../../lib/dom.ts";
import { endpointText, renderMessage } from "./message-view.ts";
import { captureAllocation } from "./turn-capture.ts";
import { latestUsage, totalUsage } from "./transactions.ts";

export class TurnAllocationElement extends HTMLElement {
  #running = false;
  #frame = 0;
  #latest: readonly TransactionRecord[] = [];
  /** The first allocation is shown unfolded once; after that, what the reader opened stays open. */
  #openedFirst = false;

  connectedCallback(): void {
    const button = part<HTMLButtonElement>(this, "start");
    button.hidden = false;
    part(this, "nojs").hidden = true;
    const status = new DemoStatus(this);
    status.set("idle", "Nothing sent yet. Press the button to start.");
    button.addEventListener("click", () => void this.run(status));
  }

  private async run(status: DemoStatus): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    status.reset();
    this.#openedFirst = false;
    try {
      const records = await captureAllocation({ progress: (step) => status.step(step), records: (r) => this.schedule(r) });
      this.draw(records);
      const stories = allocationStories(records);
      const total = totalUsage(latestUsage(records));
      status.set("done", `Done: ${String(stories.length)} allocation${stories.length === 1 ? "" : "s"}, ${String(total.bytesToPeer)} bytes relayed to peers and ${String(total.bytesFromPeer)} from peers.`);
    } catch (error) {
      status.fail(error);
    } finally {
      this.#running = false;
    }
  }

  private schedule(records: readonly TransactionRecord[]): void {
    this.#latest = records;
    if (this.#frame !== 0) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.draw(this.#latest);
    });
  }

  private draw(records: readonly TransactionRecord[]): void {
    const stories = allocationStories(records);
    const usage = latestUsage(records);
    const total = totalUsage(usage);
    const result = part(this, "result");
    // Keep open <details> open across redraws.
    const open = new Set([...result.querySelectorAll("details[open]")].map((d) => d.getAttribute("data-key")));
    result.replaceChildren(
      ...stories.map((story, i) => this.story(story, i, open)),
      el(
        "section",
        { class: "pk-usage", "data-testid": "relay-usage", "aria-labelledby": "pk-usage-h" },
        el("h4", { id: "pk-usage-h" }, "Relayed data, as counted by the server"),
        el(
          "p",
          {},
          "To peers: ",
          el("strong", { "data-testid": "bytes-to-peer" }, String(total.bytesToPeer)),
          ` bytes in ${String(total.packetsToPeer)} packets. From peers: `,
          el("strong", { "data-testid": "bytes-from-peer" }, String(total.bytesFromPeer)),
          ` bytes in ${String(total.packetsFromPeer)} packets. These are the data channel's DTLS and SCTP packets, encrypted end to end: the relay counts them but cannot read them.`,
        ),
        usage.length === 0
          ? el("p", {}, "No relayed data yet.")
          : el("ul", {}, ...usage.map((u) => el("li", {}, `Relayed address ${endpointText(u.relayed)}: ${String(u.bytesToPeer)} bytes out, ${String(u.bytesFromPeer)} bytes in, ${String(u.permissions)} permission(s), ${String(u.channels)} channel(s)${u.reason === "periodic" ? "" : ` (allocation ${u.reason})`}.`))),
      ),
    );
  }

  private story(story: AllocationStory, index: number, open: Set<string | null>): HTMLElement {
    const name = `Allocation ${String(index + 1)}`;
    // The browser allocates once per network interface, peer connection and TURN URL (UDP and
    // TCP): the first is open, the others are folded (they tell the same story).
    const storyKey = `story|${story.transport}|${endpointText(story.client)}`;
    const unfold = open.has(storyKey) || (!this.#openedFirst && index === 0);
    if (unfold) this.#openedFirst = true;
    return el(
      "section",
      { class: "pk-story", "data-testid": "allocation" },
      el(
        "details",
        { "data-key": storyKey, open: unfold },
        el("summary", {}, `${name}: from your browser's ${story.transport === "tcp" ? "TCP connection" : "UDP socket"} ${endpointText(story.client)}${story.relayed ? `, relayed address ${endpointText(story.relayed)}` : ""} (${String(story.steps.length)} transactions)`),
        el(
        "ol",
        { class: "pk-steps", "data-testid": "turn-sequence" },
        ...story.steps.map((step, i) => {
          const key = `${story.transport}|${endpointText(story.client)}|${step.transaction.transactionId}`;
          const details = el("details", { "data-key": key, open: open.has(key) }, el("summary", {}, "Show the bytes"));
          // Render the (large) message views only when the reader opens them.
          const fill = (): void => {
            if (details.childElementCount > 1) return;
            const t = step.transaction;
            if (t.request) details.append(renderMessage(t.request, `${t.methodName} ${t.request.className}`, `msg-${String(index)}-${String(i)}-req`));
            if (t.response) details.append(renderMessage(t.response, `${t.methodName} ${t.response.className}`, `msg-${String(index)}-${String(i)}-res`));
          };
          details.addEventListener("toggle", () => {
            if (details.open) fill();
          });
          if (details.open) fill();
          return el(
            "li",
            { "data-kind": step.kind, "data-outcome": step.transaction.outcome, class: `pk-step pk-step--${step.transaction.outcome}` },
            el("strong", {}, step.title),
            step.details.length > 0 ? el("ul", {}, ...step.details.map((d) => el("li", {}, d))) : null,
            details,
          );
        }),
        ),
      ),
    );
  }
}

if (!customElements.get("turn-allocation")) customElements.define("turn-allocation", TurnAllocationElement);
