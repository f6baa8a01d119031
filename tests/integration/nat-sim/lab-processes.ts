/**
 * The processes of the real-NAT check, each inside one of the lab's namespaces (./two-nat-lab.ts):
 * the reflector in the public one, a peer in each home. Each comes with a stop function.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createInterface } from "node:readline";
import type { TwoNatLab } from "./two-nat-lab.ts";
import { peerEvent, type PeerCommand, type PeerEvent } from "./wire.ts";

/** How long any one answer from a lab process may take: generous, since nothing here waits on a timer longer than 0.1 s. */
const ANSWER_MS = 10_000;

const node = existsSync(resolve("node_modules/.bin/node")) ? resolve("node_modules/.bin/node") : process.execPath;
const here = (file: string): string => new URL(file, import.meta.url).pathname;

function spawnIn(ns: string, script: string, args: readonly string[] = []): ChildProcessWithoutNullStreams {
  return spawn("ip", ["netns", "exec", ns, node, here(script), ...args], { stdio: ["pipe", "pipe", "pipe"] });
}

function stopper(child: ChildProcessWithoutNullStreams): () => Promise<void> {
  return () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once("exit", () => done());
      child.kill("SIGTERM");
    });
}

/**
 * A child's stdout as lines and its stderr as text. `next` waits for the first line from now on
 * that `accept` takes (lines it declines are dropped), failing if the process exits or stays silent.
 */
function output(child: ChildProcessWithoutNullStreams) {
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let waiter: ((line: string) => void) | undefined;
  createInterface({ input: child.stdout }).on("line", (line) => waiter?.(line));
  return {
    next<T>(what: string, accept: (line: string) => T | undefined): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const finish = (): void => {
          clearTimeout(timer);
          waiter = undefined;
          child.off("exit", onExit);
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`no ${what} within ${String(ANSWER_MS)} ms; stderr:\n${stderr}`));
        }, ANSWER_MS);
        const onExit = (code: number | null): void => {
          finish();
          reject(new Error(`exited with ${String(code)} before ${what}; stderr:\n${stderr}`));
        };
        child.once("exit", onExit);
        waiter = (line) => {
          try {
            const value = accept(line);
            if (value === undefined) return;
            finish();
            resolve(value);
          } catch (error) {
            finish();
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        };
      });
    },
  };
}

export async function startReflector(lab: TwoNatLab): Promise<() => Promise<void>> {
  const child = spawnIn(lab.internet, "reflector.ts", [JSON.stringify(lab.reflector)]);
  const stop = stopper(child);
  try {
    await output(child).next("reflector ready", (line) => (line === "ready" ? true : undefined));
  } catch (error) {
    await stop();
    throw error;
  }
  return stop;
}

export interface PeerProcess {
  /** Sends one command and resolves with the event answering it (an `error` event rejects). */
  ask<E extends PeerEvent["event"]>(command: PeerCommand, answer: E): Promise<Extract<PeerEvent, { event: E }>>;
  stop(): Promise<void>;
}

export async function startPeer(ns: string): Promise<PeerProcess> {
  const child = spawnIn(ns, "udp-peer.ts");
  const lines = output(child);
  const stop = stopper(child);
  const expect = <E extends PeerEvent["event"]>(answer: E): Promise<Extract<PeerEvent, { event: E }>> =>
    lines.next(`"${answer}" from the peer in ${ns}`, (line) => {
      const event = peerEvent.parse(JSON.parse(line));
      if (event.event === "error") throw new Error(`peer in ${ns}: ${event.message}`);
      // The discriminant was just compared, so the narrowing is sound; TypeScript cannot follow it through a generic.
      return event.event === answer ? (event as Extract<PeerEvent, { event: E }>) : undefined;
    });
  try {
    await expect("ready");
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    ask(command, answer) {
      const answered = expect(answer);
      child.stdin.write(`${JSON.stringify(command)}\n`);
      return answered;
    },
    stop,
  };
}
