/**
 * <nat-simulator> (NAT lesson, DemoSlot "nat-simulator"): the reader picks each NAT's mapping and
 * filtering behaviour; the run is computed at once by the pure model (scenario.ts) and shown one
 * step at a time: the packet log grows, both NAT tables show the state after the step, the live
 * region reads out what just happened, and the outcome appears after the last step.
 */
import { announceText, el, part, replaceChildren, setText } from "../../lib/dom.ts";
import { behaviourShort, isDependence, isFilterMemory, type FilterMemory, type NatBehaviour } from "./behaviours.ts";
import { cellVerdict, outcomeMatrix } from "./outcome-matrix.ts";
import { DEFAULT_ROUNDS, runScenario, type ScenarioRun } from "./scenario.ts";
import { gridTally, knownCandidates, logRow, stepSummary, tableRows, VERDICT_TEXT } from "./sim-view.ts";

type Side = "A" | "B";

class NatSimulator extends HTMLElement {
  #run: ScenarioRun | undefined;
  /** Steps shown so far, 0 to run.steps.length. */
  #shown = 0;
  /** The filter memory the grid shows; the page is built with "mapping". */
  #gridMemory: FilterMemory = "mapping";

  connectedCallback(): void {
    const form = part<HTMLFormElement>(this, "controls");
    part(this, "nojs").hidden = true;
    form.hidden = false;
    part(this, "live").hidden = false;
    form.addEventListener("change", () => this.#load());
    form.addEventListener("submit", (event) => event.preventDefault());
    this.#onPress("next", () => this.#show(this.#shown + 1));
    this.#onPress("run-all", () => this.#show(this.#run?.steps.length ?? 0));
    this.#onPress("reset", () => this.#show(0));
    this.#load();
  }

  #onPress(name: string, action: () => void): void {
    const button = part<HTMLButtonElement>(this, name);
    button.addEventListener("click", () => {
      if (button.getAttribute("aria-disabled") !== "true") action();
    });
  }

  #behaviour(side: Side): NatBehaviour {
    const read = (kind: "mapping" | "filtering") => {
      const value = part<HTMLFormElement>(this, "controls").querySelector<HTMLSelectElement>(`select[name="${kind}-${side}"]`)?.value ?? "";
      return isDependence(value) ? value : "endpoint-independent";
    };
    return { mapping: read("mapping"), filtering: read("filtering") };
  }

  #filterMemory(): FilterMemory {
    const value = part<HTMLFormElement>(this, "controls").querySelector<HTMLInputElement>('input[name="filter-memory"]:checked')?.value ?? "";
    return isFilterMemory(value) ? value : "mapping";
  }

  /** Recomputes every cell of the grid and its tally for another filter memory. */
  #drawGrid(memory: FilterMemory): void {
    if (memory === this.#gridMemory) return;
    this.#gridMemory = memory;
    const matrix = outcomeMatrix(DEFAULT_ROUNDS, memory);
    const verdicts = new Map(matrix.flat().map((cell) => [`${behaviourShort(cell.A)}|${behaviourShort(cell.B)}`, cellVerdict(cell.outcome)]));
    for (const cell of this.querySelectorAll<HTMLTableCellElement>('[data-testid="outcome-grid"] td')) {
      const verdict = verdicts.get(`${cell.getAttribute("data-a") ?? ""}|${cell.getAttribute("data-b") ?? ""}`);
      if (!verdict) continue;
      cell.dataset["verdict"] = verdict;
      setText(cell, VERDICT_TEXT[verdict]);
    }
    setText(part(this, "tally"), gridTally(matrix, memory));
  }

  /** A new combination: run the model and go back to step 0. */
  #load(): void {
    const memory = this.#filterMemory();
    this.#drawGrid(memory);
    this.#run = runScenario(this.#behaviour("A"), this.#behaviour("B"), DEFAULT_ROUNDS, memory);
    const { A, B } = this.#run.config;
    for (const cell of this.querySelectorAll('[data-testid="outcome-grid"] td')) {
      const current = cell.getAttribute("data-a") === behaviourShort(A) && cell.getAttribute("data-b") === behaviourShort(B);
      if (current) cell.setAttribute("aria-current", "true");
      else cell.removeAttribute("aria-current");
    }
    this.#show(0, true);
  }

  /** Shows the first `target` steps; `fresh` redraws from nothing (a new run). */
  #show(target: number, fresh = false): void {
    const run = this.#run;
    if (!run) return;
    const count = Math.max(0, Math.min(target, run.steps.length));
    if (count === this.#shown && !fresh) return;
    const log = part<HTMLTableSectionElement>(this, "log");
    if (count < this.#shown || fresh) {
      log.replaceChildren();
      this.#shown = 0;
    }
    for (const row of log.querySelectorAll("tr[data-latest]")) row.removeAttribute("data-latest");
    for (let i = this.#shown; i < count; i++) {
      const step = run.steps[i];
      if (step) log.append(this.#logRow(step, i === count - 1));
    }
    this.#shown = count;
    this.#render(run);
  }

  #logRow(step: ScenarioRun["steps"][number], latest: boolean): HTMLTableRowElement {
    const row = logRow(step);
    return el(
      "tr",
      { "data-fate": row.fate, "data-kind": step.kind === "packet" ? step.packet : "signaling", "data-latest": latest },
      el("th", { scope: "row" }, row.number),
      el("td", {}, row.packet, el("span", { class: "ns-stage" }, row.phase), el("span", { class: "ns-sent" }, row.sent)),
      el("td", {}, ...(row.nats.length === 0 ? ["–"] : row.nats.map((text) => el("span", { class: "ns-hop" }, text)))),
      el("td", {}, el("strong", {}, row.head), row.detail ? ` ${row.detail}` : ""),
    );
  }

  #render(run: ScenarioRun): void {
    const total = run.steps.length;
    const step = this.#shown > 0 ? run.steps[this.#shown - 1] : undefined;
    const before = this.#shown > 1 ? run.steps[this.#shown - 2] : undefined;
    for (const side of ["A", "B"] as const) {
      const rows = tableRows(step?.tables[side] ?? [], before?.tables[side] ?? []);
      replaceChildren(
        part(this, `table-${side}`),
        ...(rows.length === 0
          ? [el("tr", {}, el("td", { colspan: 4, class: "ns-empty" }, "No mappings yet: nothing has gone out."))]
          : rows.map((r) => el("tr", { "data-new": r.isNew }, el("td", {}, r.inside), el("td", {}, r.outside), el("td", {}, r.madeFor), el("td", { class: "ns-wrap" }, r.sentTo)))),
      );
      setText(part(this, `known-${side}`), knownCandidates(step?.remote[side] ?? []));
    }
    announceText(part(this, "status"), stepSummary(run, this.#shown));
    const outcome = part(this, "outcome");
    const finished = this.#shown === total;
    setText(outcome, finished ? run.outcome.sentence : "");
    outcome.dataset["outcome"] = finished ? (run.outcome.direct ? "direct" : "relay") : "pending";
    this.dataset["phase"] = this.#shown === 0 ? "idle" : finished ? "done" : "working";
    part(this, "next").setAttribute("aria-disabled", String(finished));
    part(this, "run-all").setAttribute("aria-disabled", String(finished));
    part(this, "reset").setAttribute("aria-disabled", String(this.#shown === 0));
  }
}

if (!customElements.get("nat-simulator")) customElements.define("nat-simulator", NatSimulator);
