import type { ConfigSlice } from './config-slice';
import type { DataSlice } from './data-slice';
import type { HistorySlice } from './history-slice';
import type { LinkSlice } from './link-slice';
import type { RangeSlice } from './range-slice';
import type { RecipeSlice } from './recipe-slice';
import type { ResumeSlice } from './resume-slice';
import type { RunSlice } from './run-slice';
import type { TopologySlice } from './topology-slice';
import type { SpeedSlice } from './speed-slice';
import type { SweepSlice } from './sweep-slice';

/** The one bound store, made of slices (zustand's slices pattern). */
export type LabState = ConfigSlice &
  DataSlice &
  RunSlice &
  HistorySlice &
  LinkSlice &
  RangeSlice &
  RecipeSlice &
  TopologySlice &
  SweepSlice &
  ResumeSlice &
  SpeedSlice;
