// Refresh, RFC 8656 §8.2: "If the server receives a Refresh Request with a REQUESTED-ADDRESS-FAMILY
// attribute ... If the requested lifetime is zero, then the server MUST immediately delete the
// allocation. ... the server MUST send a success response containing a LIFETIME attribute".
// Chromium sends LIFETIME=0 when it tears a TURN port down (pion/turn #130): normal, not an error.
import { getAttribute } from "../../stun/attributes/attribute.ts";
import { Lifetime } from "../../stun/attributes/lifetime.ts";
import type { AuthenticatedRequest, TurnContext } from "../context.ts";
import type { LiveAllocation } from "../allocation-store.ts";
import { errorResponse, successResponse } from "../responses.ts";
import { grantedLifetime } from "./lifetime.ts";

export function handleRefresh(ctx: TurnContext, req: AuthenticatedRequest, live: LiveAllocation | undefined): Uint8Array {
  const options = { software: ctx.config.software, key: req.auth.key };
  if (!live) return errorResponse(req.message, 437, options);
  const requested = getAttribute(req.message, Lifetime);
  if (requested === 0) {
    ctx.inspector.usage(live, "deleted");
    ctx.store.remove(req.tupleKey);
    ctx.log(`turn: allocation for ${req.auth.userId} deleted by Refresh(LIFETIME=0)`);
    return successResponse(req.message, options, (b) => b.add(Lifetime, 0));
  }
  const lifetime = grantedLifetime(req.message, ctx.config);
  live.allocation.refresh(ctx.clock(), lifetime);
  return successResponse(req.message, options, (b) => b.add(Lifetime, lifetime));
}
