// Bench-only page (never in the app's build): the Node step bench's figures, measured in Chromium
// on its own WebGPU. Query: depths=20,56 batch=2 warmup=1 steps=2 naive=1. Result on window.__bench.
import * as tf from '@tensorflow/tfjs';
import { loadWebGpuBackend } from '../../../src/engine/webgpu-backend';
import type { BenchArgs } from '../args';
import { benchBoth, benchEngine, randomBatch } from '../builds';
import type { StepFigures } from '../measure';

export interface PageStepRow {
  depth: number;
  build: 'engine' | 'naive';
  kernels: number;
  hostMs: number;
  hostMsSamples: number[];
  wallMs: number;
  readbacks: number;
  peakBytesPerImage: number;
  peakStepBytesPerImage: number;
  leakedTensors: number;
}

export interface PageStepResult {
  done: boolean;
  error?: string;
  adapter: string;
  backend: string;
  batch: number;
  rows: PageStepRow[];
}

declare global {
  interface Window {
    __bench?: PageStepResult;
  }
}

const out = document.getElementById('log')!;
function say(line: string): void {
  console.log(line);
  out.textContent += '\n' + line;
}

function row(
  depth: number,
  build: PageStepRow['build'],
  f: StepFigures,
  batch: number,
): PageStepRow {
  return {
    depth,
    build,
    kernels: f.kernels,
    hostMs: f.hostMs,
    hostMsSamples: f.hostMsSamples,
    wallMs: f.wallMs,
    readbacks: f.readbacks,
    peakBytesPerImage: Math.round(f.peakBytes / batch),
    peakStepBytesPerImage: Math.round(f.peakStepBytes / batch),
    leakedTensors: f.leakedTensors,
  };
}

async function main(): Promise<void> {
  const q = new URLSearchParams(location.search);
  const num = (k: string, d: number) => Number(q.get(k) ?? d);
  const depths = (q.get('depths') ?? '20,56').split(',').map(Number);
  const naive = q.get('naive') !== '0';
  const result: PageStepResult = {
    done: false,
    adapter: '',
    backend: '',
    batch: num('batch', 2),
    rows: [],
  };
  window.__bench = result;
  try {
    await loadWebGpuBackend();
    if (!(await tf.setBackend('webgpu'))) throw new Error('webgpu backend failed to start');
    await tf.ready();
    result.backend = tf.getBackend();
    const adapter = await navigator.gpu?.requestAdapter();
    const info = adapter?.info;
    result.adapter = info
      ? [info.vendor, info.architecture, info.device, info.description].filter((s) => s).join(' / ')
      : 'unknown';
    say(`backend ${result.backend}, adapter ${result.adapter}`);
    for (const depth of depths) {
      const args: BenchArgs = {
        batch: result.batch,
        depth,
        warmup: num('warmup', 1),
        steps: num('steps', 2),
        numClasses: 10,
        weightDecay: 5e-4,
        inputBatch: 128,
        inputBatches: 0,
        inputOnly: false,
        countOnly: false,
        half: false,
      };
      const { xRaw, labels } = randomBatch(args);
      // With the naive build, timed steps alternate between the two (as in `npm run bench`).
      const figures: [PageStepRow['build'], StepFigures][] = [];
      if (naive) {
        const both = await benchBoth(args, xRaw, labels);
        figures.push(['engine', both.engine], ['naive', both.naive]);
      } else figures.push(['engine', await benchEngine(args, xRaw, labels)]);
      for (const [build, f] of figures) {
        const r = row(depth, build, f, args.batch);
        result.rows.push(r);
        say(`ResNet-${depth} ${build}: ${JSON.stringify(r)}`);
      }
      tf.dispose([xRaw, labels]);
    }
  } catch (err) {
    result.error = err instanceof Error ? `${err.message}\n${err.stack}` : String(err);
    say(`error: ${result.error}`);
  }
  result.done = true;
}

void main();
