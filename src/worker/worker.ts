/// <reference lib="webworker" />
/**
 * The training worker: a thin dispatcher from protocol commands to the run controller (runs) and
 * the dataset registry (data). All tfjs and pixel work happens off the main thread, in the engine.
 */
import { messageOf } from '../core/errors';
import { currentGpuDevice, onDeviceLost, onGpuError } from '../engine/backend';
import { deleteCheckpoint, listCheckpoints, loadCheckpoint, saveCheckpoint } from './checkpoint-db';
import { Datasets } from './datasets';
import { tfjsEngine } from './engine-port';
import { FaultInjector } from './faults';
import { SpeedProbe } from './measure';
import type { Command, WorkerEvent } from './protocol';
import { RunController } from './run-controller';
import { channelTask } from './run-gate';

declare const self: DedicatedWorkerGlobalScope;

function post(event: WorkerEvent): void {
  self.postMessage(event);
}

const datasets = new Datasets(post, new URL('/', self.location.href).href);
// Compiled out of the production build, with every trace of the hooks.
const faults = __LAB_TEST_HOOKS__
  ? new FaultInjector(post, tfjsEngine.poisonVariables, currentGpuDevice)
  : null;
const controller = new RunController({
  post,
  engine: tfjsEngine,
  checkpoints: {
    save: saveCheckpoint,
    load: loadCheckpoint,
    delete: deleteCheckpoint,
    list: listCheckpoints,
  },
  datasets,
  yieldTask: channelTask(),
  ...(faults ? { beforeStep: faults.beforeStep } : {}),
});

const speedProbe = new SpeedProbe(post);

self.addEventListener('message', (ev: MessageEvent<Command>) => {
  const cmd = ev.data;
  if (__LAB_TEST_HOOKS__) {
    if (cmd.type === 'testFault') return faults?.inject(cmd.fault);
  }
  switch (cmd.type) {
    case 'loadDataset':
      void datasets.get(cmd.dataset);
      break;
    case 'loadTarball':
      datasets.pick(cmd.file, cmd.dataset);
      break;
    case 'measureSpeed':
    case 'cancelSpeed':
      // The probe selects its own backend: the next run selects the one it asks for again.
      controller.forgetBackend();
      speedProbe.command(cmd);
      break;
    default:
      // Every run command; a test fault in the production build is ignored there.
      controller.command(cmd);
  }
});

onDeviceLost((info) => controller.deviceLost(info));
onGpuError((message, outOfMemory) => controller.gpuError(message, outOfMemory));

self.addEventListener('unhandledrejection', (ev) => {
  post({ type: 'error', message: `Worker error: ${messageOf(ev.reason)}` });
});

post({ type: 'ready' });
