/**
 * What the three lesson embeds of this demo share (DemoSlot "inspect-candidates",
 * "address-classes", "nat-mapping"): nothing runs until the reader presses the button; the
 * idle → working → done | error states, the aria-live status and the error box are the packet
 * demos' DemoStatus, so every live demo in the lessons behaves alike.
 */
import { DemoStatus } from "../packets/demo-status.ts";
import { part } from "../../lib/dom.ts";

export abstract class LessonEmbedElement extends HTMLElement {
  #running = false;
  #closers: { close(): void }[] = [];

  /** The idle line shown before the first run. */
  protected abstract readonly idleText: string;
  /** One run; throws to show the error state. Register runs with track() so leaving the page closes them. */
  protected abstract run(status: DemoStatus): Promise<void>;

  connectedCallback(): void {
    const button = part<HTMLButtonElement>(this, "start");
    button.hidden = false;
    part(this, "nojs").hidden = true;
    const status = new DemoStatus(this);
    status.set("idle", this.idleText);
    button.addEventListener("click", () => void this.#start(status));
  }

  disconnectedCallback(): void {
    for (const c of this.#closers) c.close();
    this.#closers = [];
  }

  protected track<T extends { close(): void }>(run: T): T {
    this.#closers.push(run);
    return run;
  }

  async #start(status: DemoStatus): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    status.reset();
    try {
      await this.run(status);
    } catch (error) {
      status.fail(error);
    } finally {
      this.#running = false;
    }
  }
}
