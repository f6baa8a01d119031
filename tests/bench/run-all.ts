/**
 * `npm run bench`: runs every benchmark script in tests/bench/ one after another and prints their
 * figures. Benchmarks compare against a reference measured in the same run (coturn, two peers in
 * one page); they are not tests and never fail the test command.
 */
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";

const dir = fileURLToPath(new URL("./", import.meta.url));
const scripts = readdirSync(dir)
  .filter((file) => file.endsWith("-bench.ts"))
  .sort();

let failed = 0;
for (const script of scripts) {
  console.log(`\n=== ${script} ===`);
  const result = spawnSync(process.execPath, [`${dir}${script}`, ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.status !== 0) {
    failed += 1;
    console.log(`${script} exited with ${String(result.status ?? result.signal)}`);
  }
}
process.exitCode = failed === 0 ? 0 : 1;
