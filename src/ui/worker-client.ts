/**
 * The page's one link to the training worker: typed `send`, one message listener that feeds the
 * store, and crash handling (the run is marked failed, the page lives on, the next command gets a
 * fresh worker).
 */
import type { Command, WorkerEvent } from '../worker/protocol';
import { applyWorkerEvent, isActive, labStore } from './store';

let worker: Worker | null = null;

function spawn(): Worker {
  // Vite bundles the worker from this exact `new Worker(new URL(…), { type: 'module' })` form.
  const w = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module' });
  let sawReady = false;
  w.addEventListener('message', (ev: MessageEvent<WorkerEvent>) => {
    if (w !== worker) return;
    if (ev.data.type === 'ready') sawReady = true;
    applyWorkerEvent(ev.data);
  });
  w.addEventListener('messageerror', () => {
    if (w === worker)
      labStore.getState().setWorkerError('A message from the training worker could not be read.');
  });
  w.addEventListener('error', (ev: ErrorEvent) => {
    ev.preventDefault();
    crashed(w, ev.message || 'the worker script failed to load or threw an error', sawReady);
  });
  return w;
}

function crashed(w: Worker, reason: string, hadStarted: boolean): void {
  if (w !== worker) return;
  w.terminate();
  worker = null;
  const s = labStore.getState();
  // A run under the worker fails with the reason; otherwise a banner says it.
  if (isActive(s.rangeRun))
    s.failActiveRange(`The training worker crashed (${reason}). Press Start to try again.`);
  else if (isActive(s.run)) {
    // What is known: the last step the page heard of, and whether a checkpoint can resume it.
    const step = s.run?.progress?.step;
    const at = step ? ` at step ${step}` : '';
    const saved = s.run ? s.checkpoints[s.run.runId] : undefined;
    const next =
      saved !== undefined
        ? `Resume it from the history (checkpoint after step ${saved}) or press Start.`
        : 'Press Start to try again.';
    s.failActiveRun(`The training worker crashed${at} (${reason}). ${next}`);
  } else s.setWorkerError(`The training worker stopped: ${reason}`);
  s.forgetWorker();
  s.setMeasuring(null);
  // A worker that once ran is replaced at once so the data status comes back; one that never
  // started is left until the next command, so a broken script cannot loop.
  if (hadStarted) send({ type: 'loadDataset', dataset: s.config.dataset });
}

/** Posts a command, starting a worker first if there is none (at load, or after a crash). */
export function send(cmd: Command): void {
  worker ??= spawn();
  // A speed measurement under way gives the worker up to the run (see ui/speed/actions).
  const s = labStore.getState();
  if (RUNS.has(cmd.type) && s.measuring) {
    s.setMeasuring(null);
    worker.postMessage({ type: 'cancelSpeed' } satisfies Command);
  }
  worker.postMessage(cmd);
}

const RUNS = new Set<Command['type']>(['start', 'rangeTest', 'topology']);
