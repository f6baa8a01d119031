/**
 * <inspect-connection>: runs the gathering, the mapping check and the server tester, and renders
 * the pure state (session.ts, explain.ts, mapping-verdict.ts, server-test.ts) into the markup of
 * InspectConnection.astro. Network text reaches the page only through textContent.
 */
import { fetchIceConfig } from "../../lib/ice-config.ts";
import { el, part } from "../../lib/dom.ts";
import { renderCandidateRows } from "../../components/candidates/render.ts";
import { CANDIDATE_COLUMNS } from "../../components/candidates/rows.ts";
import type { MappingVerdict } from "../../shared/ice/mapping-verdict.ts";
import { renderAddressNotes } from "./address-list.ts";
import { exportSession } from "./export.ts";
import { addressNotes, reveals, whatItMeans } from "./explain.ts";
import { gather } from "./gather.ts";
import { GATHER_TIMEOUT_MS, gatherSession } from "./gather-session.ts";
import { toRtcIceServer } from "../../shared/ice-config.ts";
import { mappingCheck } from "./mapping-check.ts";
import { renderMappingVerdict } from "./mapping-view.ts";
import { parseIceUrl, refusedVerdict, serverVerdict, type IceUrl, type ServerVerdict } from "./server-test.ts";
import { countByType, countsText, initialState, policyFromSearch, type InspectState } from "./session.ts";
import { CredentialInputError, deriveTurnCredentials } from "./turn-rest.ts";

/** The server tester's own deadline: a server that has not answered by then is reported "timed out". */
const TESTER_TIMEOUT_MS = 10_000;

class InspectConnectionElement extends HTMLElement {
  private state: InspectState = initialState("all");
  private mapping: MappingVerdict | undefined;
  private readonly runs: { close(): void }[] = [];
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly startedAt = new Date().toISOString();

  connectedCallback(): void {
    this.state = initialState(policyFromSearch(location.search));
    const radio = part<HTMLInputElement>(this, this.state.policy === "relay" ? "policy-relay" : "policy-all");
    radio.checked = true;
    part(this, "tester").addEventListener("submit", (event) => {
      event.preventDefault();
      void this.runTester();
    });
    part(this, "tester").addEventListener("change", () => this.syncAuthMode());
    part(this, "export").addEventListener("click", () => this.download());
    part(this, "mask").addEventListener("change", () => this.renderExport());
    void this.start();
  }

  disconnectedCallback(): void {
    for (const run of this.runs) run.close();
    if (this.ticker !== undefined) clearInterval(this.ticker);
  }

  private async start(): Promise<void> {
    let config;
    try {
      config = await fetchIceConfig();
    } catch (error) {
      this.fail(error instanceof Error ? error.message : String(error));
      return;
    }
    part(this, "servers").textContent = config.iceServers.map((s) => s.urls.join(", ")).join("; ") || "none configured";
    const begin = performance.now();
    this.ticker = setInterval(() => this.renderElapsed(performance.now() - begin), 100);
    this.announce("Gathering candidates…");
    const run = gatherSession({
      iceServers: config.iceServers.map(toRtcIceServer),
      policy: this.state.policy,
      timeoutMs: GATHER_TIMEOUT_MS,
      onUpdate: (state) => this.update(state),
    });
    this.runs.push(run);
    void this.mappingCheck(config.mappingServers);
    const next = await run.done;
    if (this.ticker !== undefined) clearInterval(this.ticker);
    this.renderElapsed(next.completedAtMs ?? 0);
    const counts = countByType(next);
    this.announce(
      `Gathering complete in ${((next.completedAtMs ?? 0) / 1000).toFixed(2)} s: ${countsText(counts)}, ${next.errors.length} error(s).`,
    );
  }

  private async mappingCheck(servers: { urls: string[] }[]): Promise<void> {
    const verdictEl = part(this, "mapping-verdict");
    if (this.state.policy === "relay") {
      verdictEl.textContent = "skipped";
      verdictEl.dataset["verdict"] = "skipped";
      part(this, "mapping-summary").textContent = "Not run in relay-only mode: it would reveal your public address, which relay-only is meant to hide.";
      return;
    }
    const run = mappingCheck(servers);
    this.runs.push(run);
    verdictEl.textContent = "measuring";
    this.mapping = await run.done;
    renderMappingVerdict(this, this.mapping);
    this.renderExport();
  }

  private update(next: InspectState): void {
    this.state = next;
    const gs = part(this, "gathering-state");
    gs.textContent = next.gatheringState;
    renderCandidateRows(part(this, "candidates"), next.rows, "local", "No candidates yet.", CANDIDATE_COLUMNS.length);
    const errors = part(this, "errors");
    errors.replaceChildren(
      ...(next.errors.length === 0
        ? [el("li", {}, "None so far.")]
        : next.errors.map((e) =>
            el(
              "li",
              { "data-error-code": String(e.errorCode), "data-impact": e.reading.impact },
              el("strong", {}, `${e.errorCode} ${e.reading.title}`),
              ` from ${e.url || "(no URL)"}${e.address ? ` (local address ${e.address}${e.port ? `:${e.port}` : ""})` : ""} at ${(e.atMs / 1000).toFixed(3)} s — `,
              e.reading.impact === "non-fatal" ? "non-fatal: " : "",
              e.reading.meaning,
              " ",
              el("em", {}, e.reading.advice),
              e.errorText ? ` Browser's text: “${e.errorText}”.` : "",
            ),
          )),
    );
    part(this, "meaning").replaceChildren(...whatItMeans(next.rows, next.policy).map((t) => el("li", {}, t)));
    renderAddressNotes(part(this, "addresses"), addressNotes(next.rows));
    part(this, "privacy").replaceChildren(
      ...(next.rows.length === 0 ? [el("li", {}, "No candidates yet.")] : next.rows.map((r) => el("li", {}, el("strong", {}, `${r.type} ${r.parsed.address}:${r.parsed.port}: `), reveals(r)))),
    );
    const problem = part(this, "problem");
    problem.hidden = next.problem === undefined && next.unreadable.length === 0;
    problem.textContent = [next.problem, ...next.unreadable.map((u) => `Could not read a candidate: ${u.error}`)].filter(Boolean).join(" ");
    this.renderExport();
  }

  private renderElapsed(ms: number): void {
    part(this, "elapsed").textContent = `${(ms / 1000).toFixed(2)} s`;
  }

  private announce(text: string): void {
    part(this, "progress").textContent = text;
  }

  /**
   * No ICE servers, so nothing runs: every part that would wait for candidates says so, instead of
   * waiting for ever, and the reader learns how to try again.
   */
  private fail(message: string): void {
    const problem = part(this, "problem");
    problem.hidden = false;
    problem.textContent = `${message} Press “Gather again” to try again.`;
    part(this, "gathering-state").textContent = "failed";
    part(this, "servers").textContent = "none: the request failed";
    const nothing = "Nothing gathered: this page could not get its ICE servers (see Gathering above).";
    renderCandidateRows(part(this, "candidates"), [], "local", nothing, CANDIDATE_COLUMNS.length);
    part(this, "meaning").replaceChildren(el("li", {}, nothing));
    part(this, "addresses").replaceChildren(el("li", {}, nothing));
    part(this, "privacy").replaceChildren(el("li", {}, nothing));
    const verdictEl = part(this, "mapping-verdict");
    verdictEl.textContent = "not run";
    verdictEl.dataset["verdict"] = "skipped";
    part(this, "mapping-summary").textContent = "Not run: it needs this site's STUN server, and the page could not get its ICE servers.";
    this.announce("Could not start.");
  }

  private exportText(): string {
    return exportSession(this.state, { mask: part<HTMLInputElement>(this, "mask").checked, userAgent: navigator.userAgent, startedAt: this.startedAt, mapping: this.mapping });
  }

  private renderExport(): void {
    part(this, "export-preview").textContent = this.exportText();
  }

  private download(): void {
    const blob = new Blob([this.exportText()], { type: "application/json" });
    const href = URL.createObjectURL(blob);
    const a = el("a", { href, download: `inspect-${this.startedAt.replace(/[:.]/gu, "-")}.json` });
    document.body.append(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(href);
  }

  private syncAuthMode(): void {
    const form = part<HTMLFormElement>(this, "tester");
    const secret = new FormData(form).get("auth") === "secret";
    part(this, "auth-password").hidden = secret;
    part(this, "auth-secret").hidden = !secret;
  }

  private async runTester(): Promise<void> {
    const form = part<HTMLFormElement>(this, "tester");
    const data = new FormData(form);
    const errorEl = part(this, "tester-error");
    const show = (message: string): void => {
      errorEl.hidden = false;
      errorEl.textContent = message;
    };
    errorEl.hidden = true;
    const parsedUrl = parseIceUrl(String(data.get("url") ?? ""));
    if (!parsedUrl.ok) return show(parsedUrl.error);
    const url = parsedUrl.value;
    const server: RTCIceServer = { urls: url.url };
    let credentialNote = "";
    if (url.scheme.startsWith("turn")) {
      if (data.get("auth") === "secret") {
        try {
          const derived = await deriveTurnCredentials({
            secret: String(data.get("secret") ?? ""),
            userId: String(data.get("userId") ?? ""),
            ttlSeconds: Number(data.get("ttl") ?? 0),
            nowMs: Date.now(),
          });
          server.username = derived.username;
          server.credential = derived.credential;
          credentialNote = `Derived in this page: username ${derived.username} (valid until ${new Date(derived.expiresAt * 1000).toISOString()}).`;
        } catch (error) {
          return show(error instanceof CredentialInputError ? error.message : `Could not derive credentials: ${String(error)}`);
        }
      } else {
        const username = String(data.get("username") ?? "");
        const credential = String(data.get("credential") ?? "");
        if (username === "" || credential === "") return show("A TURN server needs a username and a password (or choose shared secret).");
        server.username = username;
        server.credential = credential;
      }
    }
    const policy = data.get("testPolicy") === "relay" ? "relay" : "all";
    const submit = form.querySelector("button[type=submit]");
    submit?.setAttribute("disabled", "");
    part(this, "tester-progress").textContent = `Testing ${url.url}…`;
    let run;
    try {
      run = gather({ iceServers: [server], policy, clock: () => performance.now(), timeoutMs: TESTER_TIMEOUT_MS });
    } catch (error) {
      // The RTCPeerConnection constructor refused the server (Firefox: a blocked port).
      submit?.removeAttribute("disabled");
      this.showVerdict(url, policy, refusedVerdict(url, error instanceof Error ? error.message : String(error)));
      return;
    }
    this.runs.push(run);
    const result = await run.done;
    run.close();
    submit?.removeAttribute("disabled");
    // Host candidates say nothing about the server; keep the server's own ones.
    const fromServer = result.candidates.map((c) => c.raw).filter((raw) => !/ typ host( |$)/u.test(raw));
    const verdict = serverVerdict({ url, policy, candidates: fromServer, errors: result.errors, timedOut: result.timedOut, elapsedMs: result.elapsedMs });
    if (credentialNote) verdict.evidence.push(credentialNote);
    this.showVerdict(url, policy, verdict);
  }

  private showVerdict(url: IceUrl, policy: "all" | "relay", verdict: ServerVerdict): void {
    part(this, "tester-progress").textContent = `${url.url}: ${verdict.label}`;
    part(this, "tester-results").prepend(
      el(
        "li",
        { "data-testid": "server-verdict", "data-verdict": verdict.verdict },
        el("strong", {}, verdict.label),
        ` — ${url.url} (${policy})`,
        el("ul", {}, ...verdict.evidence.map((t) => el("li", {}, t))),
      ),
    );
  }
}

if (!customElements.get("inspect-connection")) customElements.define("inspect-connection", InspectConnectionElement);
