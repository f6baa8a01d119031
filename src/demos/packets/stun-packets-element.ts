/**
 * <stun-packets>: waits for the reader to press the button, then runs captureBinding and draws the
 * Binding request, the Binding success response, the XOR worked out and the srflx candidate.
 */
import { DemoStatus } from "./demo-status.ts";
import { el, part } from "../../lib/dom.ts";
import { endpointText, renderMessage } from "./message-view.ts";
import { matchSrflx } from "./srflx.ts";
import { captureBinding } from "./stun-capture.ts";
import { xorWorkedExample } from "./xor-example.ts";
import { renderSrflx, renderXor } from "./xor-view.ts";

export class StunPacketsElement extends HTMLElement {
  #running = false;

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
    try {
      const { exchange, candidates } = await captureBinding((step) => status.step(step));
      const result = part(this, "result");
      const example = xorWorkedExample(exchange.response);
      const side = el("div", { class: "pk-side" });
      if (example) {
        const mapped = `${endpointText({ address: example.address, port: example.port })}`;
        side.append(renderXor(example), renderSrflx(matchSrflx(candidates, { address: example.address, port: example.port }), mapped));
      } else {
        side.append(el("p", {}, "The response carries no XOR-MAPPED-ADDRESS, so there is nothing to work out."));
      }
      result.replaceChildren(
        renderMessage(exchange.request, "Your Binding request", "binding-request"),
        renderMessage(exchange.response, "The server's Binding success response", "binding-response"),
        side,
      );
      status.set("done", example ? `Done: the server saw you as ${endpointText({ address: example.address, port: example.port })}.` : "Done.");
    } catch (error) {
      status.fail(error);
    } finally {
      this.#running = false;
    }
  }
}

if (!customElements.get("stun-packets")) customElements.define("stun-packets", StunPacketsElement);
