/**
 * The shared-result banner's one-line summary of the settings, leaving out every setting the
 * link hides (classroom mode: a hidden LR must not be printed beside the controls it hides).
 */
import type { TrainConfig } from '../../core/config';
import { OPTION_TEXT } from '../controls/fields';

/** Each part with the settings it prints: a part goes if any of them is hidden. */
const PARTS: { keys: (keyof TrainConfig)[]; text: (c: TrainConfig) => string }[] = [
  { keys: ['model'], text: (c) => OPTION_TEXT[c.model] ?? c.model },
  { keys: ['epochs'], text: (c) => `${c.epochs} epochs` },
  { keys: ['batchSize'], text: (c) => `batch ${c.batchSize}` },
  { keys: ['lrMin', 'lrMax'], text: (c) => `LR ${c.lrMin}–${c.lrMax}` },
  { keys: ['momMax', 'momMin'], text: (c) => `momentum ${c.momMax}–${c.momMin}` },
  { keys: ['wd'], text: (c) => `weight decay ${c.wd}` },
  { keys: ['seed'], text: (c) => `seed ${c.seed}` },
];

export function sharedSummary(config: TrainConfig, hidden: readonly string[]): string {
  return PARTS.filter((p) => !p.keys.some((k) => hidden.includes(k)))
    .map((p) => p.text(config))
    .join(', ');
}
