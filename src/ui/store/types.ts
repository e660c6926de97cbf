import type { ConfigSlice } from './config-slice';
import type { DataSlice } from './data-slice';
import type { RunSlice } from './run-slice';

/** The one bound store, made of slices (zustand's slices pattern). */
export type LabState = ConfigSlice & DataSlice & RunSlice;
