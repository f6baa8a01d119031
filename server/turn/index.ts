// Public surface of the TURN module (see README.md).
export { createTurnServer, type TurnServer, type TurnServerDeps, type TurnServerStats } from "./server.ts";
export { TurnServerConfigSchema, resolveTurnServerConfig, type ResolvedTurnServerConfig, type TurnServerConfig } from "./config.ts";
export { mintTurnCredentials, verifyTurnCredentials, type TurnCredentials } from "./credentials.ts";
export type { TransactionRecord } from "../../src/shared/stun/transaction-record.ts";
