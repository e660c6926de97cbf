// `npm run bench:browser`: step figures, long tasks and frame times in real Chromium
// (see scripts/bench/browser/run.ts for flags and docs/benchmarks.md for results).
import { main } from './bench/browser/run';

await main(process.argv.slice(2));
process.exit(0);
