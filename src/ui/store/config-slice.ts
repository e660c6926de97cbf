import type { StateCreator } from 'zustand';
import { defaultConfig, type TrainConfig } from '../../core/config';
import { withModelDefaults } from '../../core/model-defaults';
import type { LabState } from './types';

export interface ConfigSlice {
  config: TrainConfig;
  /** What the page changed or ignored when it read the URL, one line each. */
  urlNotices: string[];
  /** Settings the link named: a model change keeps them instead of the model's defaults. */
  pinned: string[];
  /** Which settings the last model change replaced, for a line under the model. */
  modelNote: string | null;
  setPinned: (keys: string[]) => void;
  setField: <K extends keyof TrainConfig>(key: K, value: TrainConfig[K]) => void;
  /** Several settings at once, as they are (no model defaults): one URL update. */
  patchConfig: (patch: Partial<TrainConfig>) => void;
  loadConfig: (config: TrainConfig, notices: string[]) => void;
  /** Adds lines to the url-notice banner (notices found after load, e.g. decoding `r=`). */
  addUrlNotices: (notices: string[]) => void;
  dismissUrlNotices: () => void;
}

export const createConfigSlice: StateCreator<LabState, [], [], ConfigSlice> = (set) => ({
  config: defaultConfig(),
  urlNotices: [],
  pinned: [],
  modelNote: null,
  setPinned: (pinned) => set({ pinned }),
  setField: (key, value) =>
    set((s) => {
      if (s.config[key] === value) return s;
      if (key !== 'model') return { config: { ...s.config, [key]: value } };
      const next = withModelDefaults(s.config, value as TrainConfig['model'], s.pinned);
      const c = next.config;
      const modelNote = next.changed.length
        ? `Set for ${c.model}: LR ${c.lrMin}–${c.lrMax}, weight decay ${c.wd}.`
        : null;
      return { config: c, modelNote };
    }),
  patchConfig: (patch) => set((s) => ({ config: { ...s.config, ...patch } })),
  loadConfig: (config, notices) => set({ config, urlNotices: notices }),
  addUrlNotices: (notices) => set((s) => ({ urlNotices: [...s.urlNotices, ...notices] })),
  dismissUrlNotices: () => set({ urlNotices: [] }),
});
