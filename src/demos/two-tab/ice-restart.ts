/**
 * ICE restarts (RFC 8445 §9) in the two-tab demo, read from getStats(): when one is over in this
 * tab, and who should make the offer. Input is the stats report as plain objects and the
 * descriptions as text, so this runs and is tested without a browser.
 *
 * Two browser behaviours shape it (seen in Chromium 156's own logs and Firefox ESR 153):
 * - Chromium's controlled agent can leave the other tab's new pair unchecked. The other tab's
 *   first check often arrives before its trickled candidate, so the pair starts with a
 *   peer-reflexive remote candidate (type preference 110, below host's 126). While the old
 *   session's selected pair works and ranks higher on the same network, Chromium prunes the new
 *   pair at once, and a pruned pair gets no checks of its own, not even the triggered check of
 *   RFC 8445 §7.3.1.4. The controlling tab nominates it and sends on it; getStats() here says
 *   "waiting" and keeps the old pair selected, for as long as the old pair works.
 * - A restart that Chromium offers to Firefox fails (see askFirefoxNote); one that Firefox offers
 *   works. So a Chromium tab asks a Firefox tab to make the offer, through the signaling server
 *   (restartRequestRoute says why not over the data channel).
 * - Even Firefox's offer failed now and then while Chromium controlled ICE, until it carried
 *   Firefox's new candidates (restartOfferCarriesCandidates says why).
 */
import { hostPort } from "./candidates.ts";
import { localUfrag, readPairs, selectedPairUfrag, TYPE_WORDS, type PairCandidate, type PairRow, type StatsEntry } from "./pairs.ts";

/** What the stats said when the restart began, to tell what came after it. */
export interface RestartBaseline {
  /** The selected pair then, if any. */
  pairId: string | undefined;
  /** The transport's count of selected-pair changes (RTCTransportStats), where the browser reports it. */
  pairChanges: number | undefined;
  /** The ICE session's local username fragment then: the restart replaces it. */
  localUfrag: string | undefined;
  /** Every pair listed then: whether it was nominated, and the bytes received on it. */
  pairs: Readonly<Record<string, { nominated: boolean; bytesReceived: number }>>;
}

export type RestartOutcome =
  /** This tab's transport selected a pair after the restart: the usual end. */
  | { kind: "selected"; pair: PairRow }
  /**
   * The other tab (the controlling agent) nominated a pair after the restart and sends on it,
   * while this tab's transport keeps another pair selected (`selected`, what this tab sends on).
   */
  | { kind: "peer-nominated"; pair: PairRow; selected: PairRow | undefined };

/** The transport's count of selected-pair changes (RTCTransportStats), if the browser reports it. */
export function selectedPairChanges(stats: readonly StatsEntry[]): number | undefined {
  const transport = stats.find((s) => s.type === "transport" && typeof s["selectedCandidatePairChanges"] === "number");
  return transport ? (transport["selectedCandidatePairChanges"] as number) : undefined;
}

/** `selectedPairId`: the pair this tab last saw selected (the stats may be a moment old). */
export function restartBaseline(stats: readonly StatsEntry[], selectedPairId: string | undefined): RestartBaseline {
  const pairs: Record<string, { nominated: boolean; bytesReceived: number }> = {};
  for (const pair of readPairs(stats).pairs) pairs[pair.id] = { nominated: pair.nominated, bytesReceived: pair.bytesReceived };
  return { pairId: selectedPairId, pairChanges: selectedPairChanges(stats), localUfrag: localUfrag(stats), pairs };
}

/** Whether the stats show the restart over in this tab, and how; undefined while it is not. */
export function restartOutcome(baseline: RestartBaseline, stats: readonly StatsEntry[]): RestartOutcome | undefined {
  const view = readPairs(stats);
  const selected = view.selected;
  if (selected) {
    // A different pair, or (where the browser counts them) one more selection, since a pair can
    // be selected again under the same ID; or, most directly, the selected pair's local candidate
    // carries the new credentials (a pair of the new session can reuse the old one's addresses,
    // and so its stats ID). The transport's credentials, not any that differ from the baseline's:
    // a pair kept selected through an earlier restart carries credentials older than both.
    const ufrag = selectedPairUfrag(stats, selected.id);
    const current = localUfrag(stats);
    const newSession = ufrag !== undefined && baseline.localUfrag !== undefined && ufrag !== baseline.localUfrag && (current === undefined || ufrag === current);
    const changes = selectedPairChanges(stats);
    const moreChanges = changes !== undefined && baseline.pairChanges !== undefined && changes > baseline.pairChanges;
    if (newSession || selected.id !== baseline.pairId || moreChanges) return { kind: "selected", pair: selected };
  }
  // The controlled agent learns of a nomination from the USE-CANDIDATE flag in the other tab's
  // check (RFC 8445 §7.3.1.5). A pair nominated since the restart that has received data since
  // is the one the other tab sends on.
  const nominated = view.pairs.find((pair) => {
    if (!pair.nominated || pair.selected) return false;
    const before = baseline.pairs[pair.id];
    return before === undefined ? pair.bytesReceived > 0 : !before.nominated && pair.bytesReceived > before.bytesReceived;
  });
  return nominated ? { kind: "peer-nominated", pair: nominated, selected } : undefined;
}

const end = (c: PairCandidate): string => `${TYPE_WORDS[c.type] ?? c.type} ${c.address === undefined ? "(address hidden)" : hostPort(c.address, c.port)}`;
const path = (pair: PairRow): string => `${end(pair.local)} ↔ ${end(pair.remote)}`;

/**
 * The timeline's words for a restart that ended with the other tab's nomination alone.
 * `firefox`: this tab is Firefox, whose reasons the page has not seen (the explanation is Chromium's).
 */
export function peerNominatedNote(outcome: Extract<RestartOutcome, { kind: "peer-nominated" }>, firefox = false): { label: string; detail: string } {
  const { pair, selected } = outcome;
  const unchecked = pair.state === "waiting" || pair.state === "frozen";
  const parts = [
    `The other tab, the controlling agent, nominated ${path(pair)} after the restart, and its packets arrive here on that pair.`,
    selected ? `This tab's browser still has ${path(selected)} selected, so what this tab sends goes that way.` : "This tab's browser has no pair selected.",
  ];
  if (unchecked && firefox) parts.push(`getStats() says the new pair is "${pair.state}": this browser never checked it itself.`);
  else if (unchecked) {
    parts.push(
      `getStats() says the new pair is "${pair.state}": this browser never checked it itself. Chromium does this when the other tab's first check arrives before its candidate: the pair starts with a peer-reflexive candidate, which ranks below the old selected pair, and Chromium prunes it instead of making the triggered check of RFC 8445 §7.3.1.4. A pruned pair is checked again only if the old pair stops working; until then the two directions take different pairs, and both work.`,
    );
  }
  return { label: "ICE restart: the other tab sends on a new pair; this tab still sends on the old one", detail: parts.join(" ") };
}

/**
 * Firefox writes its name into the origin line of every description it makes (RFC 8866 §5.2).
 * Read it from a description as its writer sent it: Chromium's remoteDescription is rewritten
 * with "-" as the origin's username.
 */
export function isFirefoxSdp(sdp: string | undefined): boolean {
  return sdp !== undefined && /^o=mozilla\.\.\.THIS_IS_SDPARTA/mu.test(sdp);
}

/**
 * Who makes the offer when this tab's reader asks for a restart: this tab, or (a tab that is not
 * Firefox, with a Firefox tab on the other end) the Firefox tab, asked as restartRequestRoute says.
 * Which browser each tab is comes from the descriptions, not from the user agent.
 */
export function restartOfferer(localSdp: string | undefined, remoteSdp: string | undefined): "this-tab" | "ask-firefox" {
  return isFirefoxSdp(remoteSdp) && localSdp !== undefined && !isFirefoxSdp(localSdp) ? "ask-firefox" : "this-tab";
}

/**
 * How this tab asks the other to make a restart's offer: through the signaling server when this
 * tab is connected to it; over the data channel only when it is not (the server is down or
 * restarting) and the channel is open; otherwise not at all. The channel only carries the
 * request: the restart's offer and answer still cross the server, so without it the restart
 * cannot finish either. It is the fallback the request has, not a way around the server.
 *
 * The server first, although the channel is the direct path: a restart is what a reader does
 * when the connection is disconnected or failed, and then the channel runs over that same broken
 * path. Its `readyState` can still say "open" (the channel does not close because packets stopped
 * getting through), so a message sent on it waits in its buffer and may never arrive, while the
 * server reaches the other tab by another route.
 */
export type RestartRequestRoute = "signaling" | "channel" | "none";

export function restartRequestRoute(reach: { signaling: boolean; channelOpen: boolean }): RestartRequestRoute {
  if (reach.signaling) return "signaling";
  return reach.channelOpen ? "channel" : "none";
}

/** The type shown for the request in the signaling log and the timeline's diagram. */
export const RESTART_REQUEST_TYPE = "ICE restart request";

/** This tab's DTLS and ICE roles (RTCTransportStats), where the browser reports them; the ICE role as the pairs table reads it. */
export function transportRoles(stats: readonly StatsEntry[]): { dtls: "client" | "server" | undefined; ice: "controlling" | "controlled" | undefined } {
  const dtls = stats.find((s) => s.type === "transport")?.["dtlsRole"];
  return { dtls: dtls === "client" || dtls === "server" ? dtls : undefined, ice: readPairs(stats).role };
}

/**
 * The timeline's words when this tab asks the Firefox tab to make the restart's offer.
 * `via`: how the request goes (restartRequestRoute).
 */
export function askFirefoxNote(roles: ReturnType<typeof transportRoles>, via: Exclude<RestartRequestRoute, "none"> = "signaling"): { label: string; detail: string } {
  const now =
    roles.dtls === "client"
      ? "Here Firefox is the DTLS server, so the first way applies."
      : roles.ice === "controlling"
        ? "Here this tab controls ICE, so the second way applies."
        : "";
  const detail = [
    "A restart Chromium offers to Firefox fails (seen with Chromium 156 and Firefox ESR 153), in one of two ways depending on the roles the first offer set.",
    `When Firefox is the DTLS server (it made the first offer), it answers a=setup:active while it stays the server, and Chromium refuses that answer ("Failed to set SSL role"): a later answer must keep the DTLS role already negotiated (RFC 8842 §5.5).`,
    "When Chromium controls ICE (it made the first offer), its new candidates check Firefox's old ones before Firefox's answer arrives, and it nominates a pair of Firefox's old ICE session: Firefox's new session is left without a nominated pair, and data stops.",
    now,
    "A restart Firefox offers works either way. So this tab sent no offer of its own: it asked the Firefox tab to restart ICE, and answers the offer with new ICE credentials that the Firefox tab sends. The DTLS roles stay as they were.",
    via === "signaling"
      ? "The request goes through the signaling server, not over the data channel: a restart is for a connection that is failing, and a message on the channel would take that same failing path."
      : "The request goes over the data channel, because this tab has no connection to the signaling server now. It arrives only if the connection still carries data, and even then the restart cannot finish before the server is back: the Firefox tab's offer and this tab's answer go through it.",
  ];
  return { label: "ICE restart: asked the Firefox tab to make the offer (a restart Chromium offers to Firefox fails)", detail: detail.filter((s) => s !== "").join(" ") };
}

/** The Firefox tab's words when the other tab asks it to restart. */
export const ASKED_TO_RESTART_NOTE = {
  label: "ICE restart: the other tab asked this tab to make the offer",
  detail:
    "A restart Chromium offers to Firefox fails (the other tab's note says how), and one Firefox offers works, so the page has the Firefox tab make the offer: new ICE credentials (RFC 8445 §9), new candidates, new checks.",
} as const;

/** The timeline's words when the server did not relay the request and the data channel carries it instead. */
export function channelFallbackNote(reason: string): { label: string; detail: string } {
  return {
    label: "ICE restart: the signaling server did not pass the request on, so it went over the data channel",
    detail: `The server's answer: ${reason}. The channel carries only the request: the Firefox tab's offer and this tab's answer still go through the server.`,
  };
}

/**
 * What the page says when it can reach the Firefox tab neither way. It makes no offer of its own:
 * that restart would fail (askFirefoxNote), and the reader should know why nothing happened.
 * `serverReason`: why the server did not pass the request on, when this tab was connected to it.
 */
export function cannotAskNote(serverReason?: string): { label: string; detail: string } {
  const server = serverReason === undefined ? "this tab has no connection to it" : `it did not pass the request on: ${serverReason}`;
  return {
    label: "ICE restart not started: the Firefox tab could not be asked to make the offer",
    detail: [
      "A restart this browser offers to Firefox fails, so the Firefox tab has to make the offer,",
      `and this tab could reach it neither through the signaling server (${server}) nor over the data channel (not open).`,
      serverReason === undefined ? "The page reconnects to the server by itself: try again once it is back." : "Try again in a moment.",
    ].join(" "),
  };
}

/**
 * Whether this tab's restart offer waits for its candidates and carries them, instead of
 * trickling them after it: when this tab is Firefox and the other tab is not.
 *
 * Chromium keeps the remote candidates of the old ICE session after a restart, and pairs its
 * new candidates with them as soon as they are gathered. Firefox keeps its old session running
 * until the new one has a nominated pair, and that old session answers Chromium's checks: they
 * carry the old session's credentials, which Chromium keeps with the old candidates. When Firefox's new candidates trickle in after
 * Chromium's own, a Chromium tab that controls ICE finds a working pair made of its new
 * candidate and Firefox's old one first, and nominates it, or keeps the old pair; Firefox's new
 * session then never gets a nominated pair, and the restart never ends there. With Firefox's new
 * candidates in the offer, Chromium pairs its new candidates with them from the start, and of
 * pairs equal in priority prefers the newer ICE generation.
 */
export function restartOfferCarriesCandidates(localSdp: string | undefined, remoteSdp: string | undefined): boolean {
  return isFirefoxSdp(localSdp) && remoteSdp !== undefined && !isFirefoxSdp(remoteSdp);
}

/** The longest a restart offer waits for its candidates (restartOfferCarriesCandidates); later ones trickle. */
export const RESTART_GATHERING_LIMIT_MS = 3000;

export const RESTART_OFFER_CARRIES_CANDIDATES_NOTE = {
  label: "ICE restart: this tab's offer waits for its candidates and carries them (the other tab is Chromium)",
  detail:
    `Chromium pairs its new candidates with every remote candidate it knows, the old ICE session's included, and this tab's old session still answers checks until the new one has a nominated pair. Trickled after the offer, this tab's new candidates would reach Chromium after its own new ones had found a working pair with the old candidates, and the new session here could be left without a nominated pair. In the offer, they are there from the start. The cost is the gathering time, up to ${String(RESTART_GATHERING_LIMIT_MS / 1000)} s, before the offer leaves.`,
} as const;
