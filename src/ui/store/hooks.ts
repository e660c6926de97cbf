import { useStore } from 'zustand';
import { labStore, type LabState } from './index';

/** Reads the store through a selector at the call site; re-renders only when its result changes. */
export function useLab<T>(selector: (s: LabState) => T): T {
  return useStore(labStore, selector);
}
