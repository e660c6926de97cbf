import type { StateCreator } from 'zustand';
import { defaultConfig, type TrainConfig } from '../../core/config';
import type { LabState } from './types';

export interface ConfigSlice {
  config: TrainConfig;
  /** What the page changed or ignored when it read the URL, one line each. */
  urlNotices: string[];
  setField: <K extends keyof TrainConfig>(key: K, value: TrainConfig[K]) => void;
  loadConfig: (config: TrainConfig, notices: string[]) => void;
  dismissUrlNotices: () => void;
}

export const createConfigSlice: StateCreator<LabState, [], [], ConfigSlice> = (set) => ({
  config: defaultConfig(),
  urlNotices: [],
  setField: (key, value) =>
    set((s) => (s.config[key] === value ? s : { config: { ...s.config, [key]: value } })),
  loadConfig: (config, notices) => set({ config, urlNotices: notices }),
  dismissUrlNotices: () => set({ urlNotices: [] }),
});
