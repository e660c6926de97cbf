import type { StateCreator } from 'zustand';
import type { ModelName } from '../../core/config';
import type { SpeedSample } from '../../core/estimate';
import type { LabState } from './types';

/** This machine's measured speeds (core/estimate), and the measurement under way. */
export interface SpeedSlice {
  /** By core/estimate's speedKey. */
  speeds: Record<string, SpeedSample>;
  /** The key being measured now, if any. */
  measuring: string | null;
  speedError: string | null;
  /**
   * A first visit without a link: 'pending' until a speed fits its run to about three minutes
   * ('fitted'), or the user changes a setting first (null).
   */
  firstVisit: 'pending' | 'fitted' | null;
  /** What the last budget preset chose and why. */
  presetNote: string | null;
  setPresetNote: (note: string | null) => void;
  setSpeeds: (speeds: Record<string, SpeedSample>) => void;
  setMeasuring: (key: string | null) => void;
  /** The worker's answer, for the measurement under way. */
  onSpeed: (model: ModelName, sample: SpeedSample | null, error?: string) => void;
  setFirstVisit: (v: SpeedSlice['firstVisit']) => void;
}

export const createSpeedSlice: StateCreator<LabState, [], [], SpeedSlice> = (set) => ({
  speeds: {},
  measuring: null,
  speedError: null,
  firstVisit: null,
  presetNote: null,
  setPresetNote: (presetNote) => set({ presetNote }),
  setSpeeds: (speeds) => set({ speeds }),
  setMeasuring: (measuring) => set({ measuring, speedError: null }),
  onSpeed: (model, sample, error) =>
    set((s) => {
      const key = s.measuring;
      if (!key?.startsWith(`${model}/`)) return s;
      // An early upper bound: shown, while the measurement goes on.
      if (sample?.provisional) return { speeds: { ...s.speeds, [key]: sample } };
      return {
        measuring: null,
        speeds: sample ? { ...s.speeds, [key]: sample } : s.speeds,
        speedError: sample ? null : `Could not measure ${model}: ${error ?? 'unknown error'}`,
      };
    }),
  setFirstVisit: (firstVisit) => set({ firstVisit }),
});
