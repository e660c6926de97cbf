/**
 * Speed samples stored before the page loads, so specs need not wait for (or compete with) the
 * page's own measurement of this machine, which takes a minute on SwiftShader.
 */
import type { Page } from '@playwright/test';
import { MODEL_COST, type SpeedSample } from '../src/core/estimate';

/** This machine's order of magnitude (shallow net, SwiftShader, batch 16, under load). */
export const SLOW_SHALLOW: SpeedSample = {
  model: 'shallow3',
  backend: 'webgpu',
  device: 'google swiftshader (software rendering, slow)',
  batch: 16,
  secondsPerStep: 4,
  evalSecondsPerImage: 0.05,
  warmupSeconds: 30,
  measuredAt: 0,
};

/** One sample for every model, backend choice and probe batch, scaled from `base`. */
export async function seedSpeed(page: Page, base: SpeedSample = SLOW_SHALLOW): Promise<void> {
  // The init script runs in the page and cannot import: the cost table travels as an argument.
  await page.addInitScript(
    ({ s, cost }) => {
      const all: Record<string, unknown> = {};
      for (const model of Object.keys(cost)) {
        const r = cost[model]! / cost[s.model]!;
        for (const choice of ['auto', 'webgpu', 'webgl', 'cpu']) {
          const gpu = choice === 'auto' || choice === 'webgpu';
          for (let batch = 1; batch <= 16; batch++) {
            all[`${model}/${choice}/${batch}`] = {
              ...s,
              model,
              backend: gpu ? 'webgpu' : choice,
              device: gpu ? s.device : '',
              batch,
              secondsPerStep: (s.secondsPerStep * r * batch) / s.batch,
              evalSecondsPerImage: s.evalSecondsPerImage * r,
              measuredAt: Date.now(),
            };
          }
        }
      }
      // Only where the spec has not stored its own (a reload keeps what the page measured).
      if (!localStorage.getItem('lab.speeds.v1'))
        localStorage.setItem('lab.speeds.v1', JSON.stringify(all));
    },
    { s: base, cost: MODEL_COST as Record<string, number> },
  );
}
