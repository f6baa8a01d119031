/**
 * What the two tabs say to each other over the data channel once it is open: chat lines, their
 * timeline events so each tab can draw the whole session, and a request to make an ICE restart's
 * offer (a Chromium tab asks a Firefox tab: see ice-restart.ts). That request normally goes
 * through the signaling server (`signal:restart-request`); it comes this way only while the tab
 * asking cannot reach the server. The other tab is untrusted input like any other: every message
 * is validated before use.
 */
import { z } from "../../shared/zod.ts";
import { timelineEventSchema } from "../../shared/timeline/model.ts";

export const MAX_CHAT_LENGTH = 500;

export const channelMessageSchema = z.discriminatedUnion("t", [
  z.strictObject({ t: z.literal("chat"), text: z.string().min(1).max(MAX_CHAT_LENGTH) }),
  z.strictObject({ t: z.literal("timeline"), events: z.array(timelineEventSchema).max(500) }),
  z.strictObject({ t: z.literal("restart-ice") }),
]);

export type ChannelMessage = z.infer<typeof channelMessageSchema>;

export function parseChannelMessage(data: unknown): ChannelMessage | undefined {
  if (typeof data !== "string" || data.length > 256 * 1024) return undefined;
  try {
    const parsed = channelMessageSchema.safeParse(JSON.parse(data));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
