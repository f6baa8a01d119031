/**
 * The state shared by both packet demos: idle → working → done | error, drawn into the
 * server-rendered status, progress (aria-live) and error parts.
 */
import { describeFailure } from "./failures.ts";
import { el, part } from "../../lib/dom.ts";

export type Phase = "idle" | "working" | "done" | "error";

export class DemoStatus {
  readonly #root: HTMLElement;
  constructor(root: HTMLElement) {
    this.#root = root;
  }

  set(phase: Phase, text: string): void {
    this.#root.dataset["phase"] = phase;
    const status = part(this.#root, "status");
    status.textContent = text;
    part(this.#root, "error").hidden = phase !== "error";
    const button = part<HTMLButtonElement>(this.#root, "start");
    button.disabled = phase === "working";
    button.setAttribute("aria-busy", String(phase === "working"));
  }

  step(text: string): void {
    part(this.#root, "steps").append(el("li", {}, text));
    this.set("working", text);
  }

  fail(error: unknown): void {
    const failure = describeFailure(error);
    const box = part(this.#root, "error");
    box.dataset["kind"] = failure.kind;
    box.replaceChildren(el("strong", {}, failure.title), el("p", {}, failure.message), el("p", {}, failure.hint));
    this.set("error", `${failure.title}. You can try again.`);
  }

  reset(): void {
    part(this.#root, "steps").replaceChildren();
    part(this.#root, "result").replaceChildren();
  }
}
