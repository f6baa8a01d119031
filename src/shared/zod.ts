/**
 * zod, as every module in src/ imports it. In a page it runs without its JIT: zod compiles fast
 * parsers with `new Function`, which this site's Content-Security-Policy (script-src without
 * 'unsafe-eval') forbids, so in a browser the JIT can never run anyway. Without this, zod finds
 * that out by trying `new Function("")` the first time it builds an object schema; the error is
 * caught, but Firefox still reports the blocked eval on the console as a CSP violation.
 * The server (no `document`) keeps the JIT. Importing zod through this module (ESLint enforces it
 * in src/) makes the setting come before any schema is built.
 */
import { z } from "zod";

if (typeof document !== "undefined") z.config({ jitless: true });

export { z };
