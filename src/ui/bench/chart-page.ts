/**
 * Bench-only entry (scripts/bench/browser/chart.html, built by vite.bench.config.ts; never part of
 * the app's build): the real App and store, with a run of many stored points injected into the
 * store, so `npm run bench:browser` can time frames while the loss chart draws them.
 */
import { createElement, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { defaultConfig } from '../../core/config';
import type { TrainPoint, ValPoint } from '../../core/run';
import { App } from '../App';
import { labStore } from '../store';
import '../styles.css';

const RUN_ID = 'bench-run';

/** A plausible 1cycle run: loss decays with noise, LR up then down, momentum opposite. */
function points(from: number, count: number, total: number): TrainPoint[] {
  const out: TrainPoint[] = [];
  for (let step = from; step < from + count; step++) {
    const t = step / total;
    const lr = 0.08 + 0.72 * (t < 0.5 ? 2 * t : 2 - 2 * t);
    out.push({
      step,
      loss: 0.3 + 2 * Math.exp(-4 * t) + 0.15 * Math.sin(step * 12.9898) ** 2,
      lr,
      momentum: 0.95 - ((lr - 0.08) / 0.72) * 0.1,
    });
  }
  return out;
}

export interface ChartBench {
  /** Starts a run in the store and stores `count` train points plus one val point per 390 steps. */
  inject(count: number): void;
  /**
   * Appends `count` more points, as one worker event does; with `progress`, also the progress
   * event the worker sends beside them (it moves the schedule chart's "now" marker).
   */
  append(count: number, progress?: boolean): void;
  stored(): number;
}

declare global {
  interface Window {
    __chartBench?: ChartBench;
  }
}

let next = 1;
let total = 1;
window.__chartBench = {
  inject(count) {
    total = count + 10_000;
    const config = { ...defaultConfig(), trainSize: 50_000, batchSize: 128, epochs: 103 };
    const s = labStore.getState();
    s.beginRun(RUN_ID, config);
    s.setRunState(RUN_ID, 'running');
    s.appendTrainPoints(RUN_ID, points(1, count, total));
    next = count + 1;
    for (let step = 390; step <= count; step += 390) {
      const v: ValPoint = {
        step,
        epoch: step / 390,
        loss: 0.5 + Math.exp(-step / 10_000),
        top1: 0.8,
        top5: 0.99,
      };
      labStore.getState().appendValPoint(RUN_ID, v);
    }
    s.setProgress(RUN_ID, {
      epoch: Math.ceil(count / 390),
      epochs: Math.ceil(total / 390),
      step: count,
      totalSteps: total,
      imagesPerSec: 500,
      etaSec: 60,
    });
  },
  append(count, progress = false) {
    const s = labStore.getState();
    s.appendTrainPoints(RUN_ID, points(next, count, total));
    next += count;
    if (progress) {
      const at = s.run?.progress;
      if (at) s.setProgress(RUN_ID, { ...at, step: next - 1, epoch: Math.ceil((next - 1) / 390) });
    }
  },
  stored: () => labStore.getState().trainPoints.length,
};

// `?hide=chart.schedule` (the app's classroom-mode parts) isolates one chart's cost.
const hide = new URLSearchParams(location.search).get('hide');
if (hide) labStore.getState().setHidden(hide.split(','));

const root = document.getElementById('root');
if (!root) throw new Error('chart.html has no #root element');
createRoot(root).render(createElement(StrictMode, null, createElement(App)));
