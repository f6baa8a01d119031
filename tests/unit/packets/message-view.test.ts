// @vitest-environment jsdom
/**
 * The packet demos' message view (src/demos/packets/message-view.ts) in jsdom: a record the server
 * cut when recording it (`truncated`, see server/turn/inspector.ts) is shown without a byte
 * layout instead of stopping the whole demo with a layout error.
 */
import { describe, expect, it } from "vitest";
import { renderMessage } from "../../../src/demos/packets/message-view.ts";
import { BINDING_REQUEST, RFC5769_IPV4_RESPONSE } from "./fixtures.ts";

describe("renderMessage", () => {
  it("draws a whole message as a field table and a hex dump", () => {
    const section = renderMessage(BINDING_REQUEST, "Your Binding request", "req");
    expect(section.querySelector("table.pk-fields")).not.toBeNull();
    expect(section.querySelector("[data-testid=req-hex]")).not.toBeNull();
  });

  it("shows a truncated record's header and attribute names, and says why there is no layout", () => {
    // Cut bytes: the raw hex no longer matches the length and attributes the record states.
    const cut = { ...RFC5769_IPV4_RESPONSE, rawHex: RFC5769_IPV4_RESPONSE.rawHex.slice(0, 40), truncated: true };
    const section = renderMessage(cut, "Your Binding request", "req");
    expect(section.querySelector("h4")?.textContent).toBe("Your Binding request");
    expect(section.querySelector("[data-testid=req-truncated]")?.textContent).toMatch(/cut when recorded/u);
    expect(section.querySelector("[data-testid=req-truncated]")?.textContent).toContain(RFC5769_IPV4_RESPONSE.attributes[0]?.name ?? "?");
    expect(section.querySelector("table")).toBeNull();
  });
});
