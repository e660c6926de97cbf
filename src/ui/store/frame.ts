import { useSyncExternalStore } from 'react';
import { labStore, type LabState } from './index';

/**
 * Store subscription that notifies at most once per animation frame: the worker may send 20+
 * events a second, and the chart should redraw no faster than the screen.
 */
function subscribeOncePerFrame(notify: () => void): () => void {
  let frame = 0;
  const unsubscribe = labStore.subscribe(() => {
    if (frame === 0)
      frame = requestAnimationFrame(() => {
        frame = 0;
        notify();
      });
  });
  return () => {
    unsubscribe();
    if (frame !== 0) cancelAnimationFrame(frame);
  };
}

/** Like useLab, but re-renders at most once per frame. `select` must return stable references. */
export function useLabPerFrame<T>(select: (s: LabState) => T): T {
  return useSyncExternalStore(subscribeOncePerFrame, () => select(labStore.getState()));
}
