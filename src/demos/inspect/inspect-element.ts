/**
 * <inspect-connection>: runs the gathering, the mapping check and the server tester, and renders
 * the pure state (session.ts, explain.ts, mapping-verdict.ts, server-test.ts) into the markup of
 * InspectConnection.astro. Network text reaches the page only through textContent.
 */
import { fetchIceConfig } from "../../lib/ice-config.ts";
import { el, part } from "../../components/candidates/dom.ts";
import { renderCandidateRows } from "../../components/candidates/render.ts";
import { CANDIDATE_COLUMNS } from "../../components/candidates/rows.ts";
import { parseCandidate } from "../../shared/ice/candidate.ts";
import { mappingVerdict, serverFailed, type MappingVerdict, type ReflexiveObservation } from "../../shared/ice/mapping-verdict.ts";
import { exportSession } from "./export.ts";
import { addressNotes, reveals, whatItMeans } from "./explain.ts";
import { gather, type GatherResult, type GatherRun } from "./gather.ts";
import { parseIceUrl, serverVerdict } from "./server-test.ts";
import { addCandidate, addError, countByType, enrichFromStats, initialState, policyFromSearch, setGatheringState, type InspectState } from "./session.ts";
import { CredentialInputError, deriveTurnCredentials } from "./turn-rest.ts";

const GATHER_TIMEOUT_MS = 30_000;
const MAPPING_TIMEOUT_MS = 20_000;
/** The server tester's own deadline: a server that has not answered by then is reported "timed out". */
const TESTER_TIMEOUT_MS = 10_000;

class InspectConnectionElement extends HTMLElement {
  private state: InspectState = initialState("all");
  private mapping: MappingVerdict | undefined;
  private readonly runs: GatherRun[] = [];
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
    const run = gather({
      iceServers: config.iceServers.map(toRtcIceServer),
      policy: this.state.policy,
      clock: () => performance.now(),
      timeoutMs: GATHER_TIMEOUT_MS,
      onCandidate: (c) => this.update(addCandidate(this.state, c)),
      onError: (e) => this.update(addError(this.state, e)),
      onState: (s, atMs) => this.update(setGatheringState(this.state, s, atMs)),
    });
    this.runs.push(run);
    this.update(setGatheringState(this.state, "gathering", 0));
    void this.mappingCheck(config.mappingServers);
    const result = await run.done;
    run.close();
    if (this.ticker !== undefined) clearInterval(this.ticker);
    let next = enrichFromStats(this.state, result.stats);
    if (result.timedOut) next = { ...next, problem: `Gathering did not finish within ${GATHER_TIMEOUT_MS / 1000} s.` };
    next = setGatheringState(next, "complete", result.elapsedMs);
    this.update(next);
    this.renderElapsed(next.completedAtMs ?? result.elapsedMs);
    const counts = countByType(next);
    this.announce(
      `Gathering complete in ${((next.completedAtMs ?? 0) / 1000).toFixed(2)} s: ${Object.entries(counts).map(([t, n]) => `${n} ${t}`).join(", ") || "no candidates"}, ${next.errors.length} error(s).`,
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
    const urls = servers.flatMap((s) => s.urls);
    const run = gather({ iceServers: urls.map((u) => ({ urls: u })), policy: "all", clock: () => performance.now(), timeoutMs: MAPPING_TIMEOUT_MS });
    this.runs.push(run);
    verdictEl.textContent = "measuring";
    const result = await run.done;
    run.close();
    this.mapping = mappingVerdict(toMappingInput(urls, result));
    verdictEl.textContent = this.mapping.verdict;
    verdictEl.dataset["verdict"] = this.mapping.verdict;
    part(this, "mapping-confidence").textContent = `(confidence: ${this.mapping.confidence})`;
    part(this, "mapping-summary").textContent = this.mapping.summary;
    part(this, "mapping-evidence").replaceChildren(...this.mapping.evidence.map((t) => el("li", {}, t)));
    part(this, "mapping-caveats").replaceChildren(...this.mapping.caveats.map((t) => el("li", {}, t)));
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
    const notes = addressNotes(next.rows);
    part(this, "addresses").replaceChildren(
      ...(notes.length === 0
        ? [el("li", {}, "No addresses yet.")]
        : notes.map((n) =>
            el(
              "li",
              { "data-address-kind": n.classification.kind },
              el("code", {}, n.address),
              ` — ${n.classification.label}`,
              n.classification.rfc ? ` (${n.classification.rfc}${n.classification.range ? `, ${n.classification.range}` : ""})` : "",
              `. Seen as: ${n.seenAs.join(", ")}.`,
            ),
          )),
    );
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

  private fail(message: string): void {
    const problem = part(this, "problem");
    problem.hidden = false;
    problem.textContent = message;
    part(this, "gathering-state").textContent = "failed";
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
    const run = gather({ iceServers: [server], policy, clock: () => performance.now(), timeoutMs: TESTER_TIMEOUT_MS });
    this.runs.push(run);
    const result = await run.done;
    run.close();
    submit?.removeAttribute("disabled");
    // Host candidates say nothing about the server; keep the server's own ones.
    const fromServer = result.candidates.map((c) => c.raw).filter((raw) => !/ typ host( |$)/u.test(raw));
    const verdict = serverVerdict({ url, policy, candidates: fromServer, errors: result.errors, timedOut: result.timedOut, elapsedMs: result.elapsedMs });
    if (credentialNote) verdict.evidence.push(credentialNote);
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

/** The validated config's optional fields, without explicit undefined (exactOptionalPropertyTypes). */
function toRtcIceServer(s: { urls: string[]; username?: string | undefined; credential?: string | undefined }): RTCIceServer {
  const server: RTCIceServer = { urls: s.urls };
  if (s.username !== undefined) server.username = s.username;
  if (s.credential !== undefined) server.credential = s.credential;
  return server;
}

/** What the mapping run produced, in the shape mapping-verdict.ts reads. */
function toMappingInput(urls: readonly string[], result: GatherResult): Parameters<typeof mappingVerdict>[0] {
  const srflx: ReflexiveObservation[] = [];
  const host: { address: string; port: number; protocol: string }[] = [];
  for (const c of result.candidates) {
    let p;
    try {
      p = parseCandidate(c.raw);
    } catch {
      continue;
    }
    if (p.type === "srflx") srflx.push({ address: p.address, port: p.port, relatedAddress: p.relatedAddress, relatedPort: p.relatedPort, url: c.url, protocol: p.protocol });
    if (p.type === "host") host.push({ address: p.address, port: p.port, protocol: p.protocol });
  }
  return {
    servers: urls.map((url) => ({ url, failed: serverFailed(url, result.errors, srflx) })),
    srflx,
    host,
    complete: !result.timedOut,
  };
}

if (!customElements.get("inspect-connection")) customElements.define("inspect-connection", InspectConnectionElement);
