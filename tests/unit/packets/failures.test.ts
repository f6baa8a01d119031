import { describe, expect, it } from "vitest";
import { DemoFailure, describeFailure, type FailureKind } from "../../../src/demos/packets/failures.ts";
import { refusalError } from "../../../src/lib/ice-config.ts";
import { inspectableTurn, rtcIceServers } from "../../../src/demos/packets/ice-servers.ts";
import { ChangeSignal, type Timers } from "../../../src/demos/packets/wait.ts";

const builtin = {
  iceServers: [{ urls: ["stun:127.0.0.1:3478"] }, { urls: ["turn:127.0.0.1:3478?transport=udp"], username: "1767225600:abc", credential: "c2VjcmV0" }],
  turn: { mode: "builtin" as const, realm: "localhost" },
};

describe("what there is to inspect", () => {
  it("takes the TURN credentials of the built-in server", () => {
    expect(inspectableTurn(builtin)).toEqual({ username: "1767225600:abc", credential: "c2VjcmV0" });
  });
  it("refuses an external TURN server and a missing one, each with its own kind", () => {
    const kind = (config: Parameters<typeof inspectableTurn>[0]): FailureKind | undefined => {
      try {
        inspectableTurn(config);
        return undefined;
      } catch (error) {
        return error instanceof DemoFailure ? error.kind : undefined;
      }
    };
    expect(kind({ ...builtin, turn: { mode: "external", realm: "example.org" } })).toBe("external-turn");
    expect(kind({ iceServers: [], turn: { mode: "none", realm: "x" } })).toBe("no-server");
    expect(kind({ iceServers: [{ urls: ["stun:127.0.0.1:3478"] }], turn: { mode: "builtin", realm: "x" } })).toBe("no-server");
  });
  it("hands RTCPeerConnection servers without undefined members", () => {
    expect(rtcIceServers(builtin)).toEqual([{ urls: ["stun:127.0.0.1:3478"] }, { urls: ["turn:127.0.0.1:3478?transport=udp"], username: "1767225600:abc", credential: "c2VjcmV0" }]);
    expect(Object.keys(rtcIceServers(builtin)[0] ?? {})).toEqual(["urls"]);
  });
});

describe("describeFailure", () => {
  it("has a title and a hint for every kind", () => {
    const kinds: FailureKind[] = ["unreachable", "busy", "external-turn", "no-server", "refused", "timeout", "no-webrtc", "webrtc"];
    for (const kind of kinds) {
      const text = describeFailure(new DemoFailure(kind, "detail"));
      expect(text).toMatchObject({ kind, message: "detail" });
      expect(text.title.length).toBeGreaterThan(5);
      expect(text.hint.length).toBeGreaterThan(10);
    }
  });
  it("maps fetchIceConfig's errors to 'unreachable' and anything else to 'webrtc'", () => {
    const iceError = Object.assign(new Error("Could not reach the site's server"), { name: "IceConfigError" });
    expect(describeFailure(iceError)).toMatchObject({ kind: "unreachable", message: "Could not reach the site's server" });
    expect(describeFailure("boom")).toMatchObject({ kind: "webrtc", message: "boom" });
  });
  it("says a 429 is about this address asking too often, with the server's words and a hint to wait", () => {
    const body = { ok: false, code: "too-many-requests", error: "Too many requests for ICE servers from your address. Try again in 12 seconds.", retryAfterSeconds: 12 };
    const error = refusalError(429, body);
    expect(error).toMatchObject({ name: "IceConfigError", status: 429, retryAfterSeconds: 12, message: body.error });
    const text = describeFailure(error);
    expect(text).toMatchObject({ kind: "busy", title: "Too many requests from your address", message: body.error });
    expect(text.hint).toMatch(/Wait the time it says/u);
    expect(text.hint).not.toMatch(/npm start/u);
    // A 429 without the server's body (a proxy's own, say) still gets words, and the same kind.
    expect(describeFailure(refusalError(429, "<html>"))).toMatchObject({ kind: "busy", message: expect.stringMatching(/too many requests .* Wait a minute/u) });
    expect(describeFailure(refusalError(503, undefined))).toMatchObject({ kind: "unreachable", message: "The server refused to give ICE settings (HTTP 503)" });
  });
});

/** A clock the test advances by hand. */
function manualTimers(): Timers & { fire(): void; pending(): number } {
  const queue = new Map<number, () => void>();
  let next = 0;
  return {
    setTimeout: (fn) => {
      queue.set(++next, fn);
      return next;
    },
    clearTimeout: (handle) => queue.delete(handle as number),
    fire: () => {
      for (const [id, fn] of [...queue]) {
        queue.delete(id);
        fn();
      }
    },
    pending: () => queue.size,
  };
}

describe("ChangeSignal", () => {
  it("resolves when a change makes the condition true, and clears its timer", async () => {
    const timers = manualTimers();
    const signal = new ChangeSignal(timers);
    const box: { value?: number } = {};
    const waiting = signal.until(() => box.value, 1000, "a value");
    signal.changed();
    box.value = 7;
    signal.changed();
    await expect(waiting).resolves.toBe(7);
    expect(timers.pending()).toBe(0);
  });
  it("resolves at once when already true", async () => {
    await expect(new ChangeSignal(manualTimers()).until(() => "now", 1000, "x")).resolves.toBe("now");
  });
  it("times out with a timeout failure naming what it waited for", async () => {
    const timers = manualTimers();
    const waiting = new ChangeSignal(timers).until(() => undefined, 15_000, "your Binding request");
    timers.fire();
    await expect(waiting).rejects.toMatchObject({ kind: "timeout", message: "Timed out after 15 s waiting for your Binding request." });
  });
  it("passes on an error thrown by the condition", async () => {
    const signal = new ChangeSignal(manualTimers());
    let fail = false;
    const waiting = signal.until(() => {
      if (fail) throw new Error("bad record");
      return undefined;
    }, 1000, "x");
    fail = true;
    signal.changed();
    await expect(waiting).rejects.toThrow("bad record");
  });
});
