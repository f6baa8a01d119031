/**
 * A signaling server sharing its state through Redis, in a process of its own, so a test can kill
 * it with SIGKILL: a crash, with no chance to leave rooms or release anything.
 * Usage: node signaling-process.ts '{"url":"redis://…","keyPrefix":"…","heartbeatMs":…,"leaseMs":…}'
 * Prints one line, `listening <url> <processId>`, once clients can connect.
 */
import { z } from "zod";
import { startSignaling } from "./harness.ts";

const options = z
  .object({ url: z.string(), keyPrefix: z.string(), heartbeatMs: z.number(), leaseMs: z.number() })
  .parse(JSON.parse(process.argv[2] ?? "{}"));
const harness = await startSignaling({}, options);
console.log(`listening ${harness.url} ${harness.sharing?.rooms.processId ?? "-"}`);
