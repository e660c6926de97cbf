/** The diagnosis drawn on the loss chart: one shaded reference area per region, with its reading. */
import { useEffect, useReducer } from 'react';
import { ReferenceArea } from 'recharts';
import type { Region, RegionKind } from '../../core/diagnosis';
import { useLabPerFrame } from '../store/frame';
import { liveRegions, selectTrain, selectVal } from './selectors';

export const REGION_COLORS: Record<RegionKind, string> = {
  overfitting: '#dc2626',
  instability: '#9333ea',
  underfitting: '#d97706',
  plateau: '#059669',
};

/** Test ids: e2e looks for the overfitting bump by name. */
export function regionTestId(kind: RegionKind): string {
  return kind === 'overfitting' ? 'overfit-region' : `region-${kind}`;
}

export function regionTitle(r: Region): string {
  return `${r.label}: ${r.explanation} What to try: ${r.suggestion}`;
}

/** The live run's regions, re-rendering once more when a throttled diagnosis is due. */
export function useRunRegions(): Region[] {
  const train = useLabPerFrame(selectTrain);
  const val = useLabPerFrame(selectVal);
  const [, wake] = useReducer((n: number) => n + 1, 0);
  const { regions, retryInMs } = liveRegions(train, val);
  useEffect(() => {
    if (retryInMs === null) return;
    const id = setTimeout(wake, retryInMs);
    return () => clearTimeout(id);
  }, [retryInMs, train]);
  return regions;
}

interface ShapeProps {
  x?: number;
  y?: number;
  width?: number;
  height?: number;
}

/**
 * Reference areas for the regions. A custom shape puts the test id and a native hover title on a
 * real SVG element (recharts draws a bare path otherwise). Called as a function, not a component,
 * so recharts sees the ReferenceArea elements directly.
 */
export function regionAreas(regions: readonly Region[]) {
  return regions.map((r) => {
    const color = REGION_COLORS[r.kind];
    const Shape = ({ x = 0, y = 0, width = 0, height = 0 }: ShapeProps) => (
      <g data-testid={regionTestId(r.kind)} data-from={r.from} data-to={r.to}>
        <title>{regionTitle(r)}</title>
        <rect
          x={x}
          y={y}
          width={Math.max(width, 2)}
          height={Math.max(height, 0)}
          fill={color}
          fillOpacity={0.13}
          stroke={color}
          strokeOpacity={0.4}
        />
      </g>
    );
    return (
      <ReferenceArea
        key={`${r.kind}-${r.from}`}
        x1={r.from}
        x2={r.to}
        ifOverflow="hidden"
        shape={Shape}
        label={{ value: r.label, position: 'insideTop', fontSize: 11, fill: color }}
      />
    );
  });
}
