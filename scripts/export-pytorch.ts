/**
 * Export to PyTorch from the command line: the page's query string → DIR/train.py (and, with
 * --weights, DIR/init.bin holding the run's initial weights).
 *
 *   npm run export:pytorch -- --query 'model=resnet20&lrMax=1' --out DIR [--weights]
 *
 * The query goes through the same schema as a link: bad values are clamped or defaulted, and
 * each change is printed, so what the script runs is what the page would have run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  exportQuery,
  initialWeightsFile,
  pytorchScript,
  SCRIPT_FILE,
  WEIGHTS_FILE,
} from '../src/core/export';
import { parseLink } from '../src/core/link';

function main(): void {
  const { values } = parseArgs({
    options: {
      query: { type: 'string', default: '' },
      out: { type: 'string' },
      weights: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help || !values.out) {
    process.stdout.write(
      "usage: npm run export:pytorch -- --query '<the page's query string>' --out DIR [--weights]\n",
    );
    process.exitCode = values.help ? 0 : 2;
    return;
  }
  // A whole link or just its query: everything after the first "?" counts.
  const raw = values.query.includes('?')
    ? values.query.slice(values.query.indexOf('?') + 1)
    : values.query;
  const { config, notices } = parseLink(new URLSearchParams(raw));
  for (const n of notices) process.stderr.write(`note: ${n}\n`);
  mkdirSync(values.out, { recursive: true });
  const script = path.join(values.out, SCRIPT_FILE);
  writeFileSync(script, pytorchScript(config, exportQuery(config)));
  process.stdout.write(`wrote ${script}\n`);
  if (values.weights) {
    const file = path.join(values.out, WEIGHTS_FILE);
    writeFileSync(file, initialWeightsFile(config));
    process.stdout.write(`wrote ${file} (use: python3 ${script} --init ${file} --data ...)\n`);
  }
}

main();
