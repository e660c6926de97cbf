/**
 * The 'measureSpeed' command: times the model on the requested backend and answers 'speed'.
 * One measurement at a time: a newer request or 'cancelSpeed' ends the one under way between steps.
 */
import { messageOf } from '../core/errors';
import { probeBatch } from '../core/estimate';
import { selectBackend } from '../engine/backend';
import { measureSpeed } from '../engine/speed';
import type { Command, WorkerEvent } from './protocol';

type SpeedCommand = Extract<Command, { type: 'measureSpeed' | 'cancelSpeed' }>;
type MeasureCommand = Extract<Command, { type: 'measureSpeed' }>;

export class SpeedProbe {
  /** Bumped by each request: an older measurement sees it and stops. */
  private generation = 0;

  constructor(private readonly post: (e: WorkerEvent) => void) {}

  command(cmd: SpeedCommand): void {
    const mine = ++this.generation;
    if (cmd.type === 'measureSpeed') void this.measure(cmd, mine);
  }

  private async measure(cmd: MeasureCommand, mine: number): Promise<void> {
    const { model } = cmd;
    try {
      const chosen = await selectBackend(cmd.backend);
      const batch = probeBatch(cmd.batch);
      const base = { model, backend: chosen.backend, device: chosen.detail ?? '', batch };
      const r = await measureSpeed({
        model,
        dataset: cmd.dataset,
        numClasses: cmd.dataset === 'cifar100' ? 100 : 10,
        batch,
        keepGoing: () => this.generation === mine,
        // The page can show an upper bound at once: the timed steps take as long again here.
        onWarm: (warm) => {
          if (this.generation !== mine) return;
          const sample = {
            ...base,
            secondsPerStep: warm,
            // Inference is about a third of a training step (forward only).
            evalSecondsPerImage: warm / batch / 3,
            warmupSeconds: 0,
            measuredAt: Date.now(),
            provisional: true,
          };
          this.post({ type: 'speed', model, sample });
        },
      });
      if (!r || this.generation !== mine) return;
      this.post({
        type: 'speed',
        model,
        sample: {
          ...base,
          secondsPerStep: r.secondsPerStep,
          evalSecondsPerImage: r.evalSecondsPerImage,
          warmupSeconds: r.warmupSeconds,
          measuredAt: Date.now(),
        },
      });
    } catch (err) {
      if (this.generation === mine)
        this.post({ type: 'speed', model, sample: null, error: messageOf(err) });
    }
  }
}
