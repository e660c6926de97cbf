/**
 * The live run's lines on the loss chart, drawn as plain SVG paths inside recharts' LineChart.
 * The chart keeps a `<Line hide>` per series, so recharts still lists it in the legend and the
 * tooltip, but recharts draws nothing for it: drawing ~700 rows through `<Line>` cost ~25-35 ms
 * of main-thread CPU per redraw at 20 Hz, mostly per-row objects (docs/benchmarks.md).
 */
import { memo, useId, useMemo } from 'react';
import {
  DefaultLegendContent,
  DefaultZIndexes,
  useActiveTooltipDataPoints,
  useIsTooltipActive,
  usePlotArea,
  useXAxisScale,
  useYAxisScale,
  ZIndexLayer,
  type DefaultLegendContentProps,
  type ScaleFunction,
} from 'recharts';
import type { LossRow } from './eval-rows';
import { affine, finitePoints, linePath } from './paths';

export interface LiveSeries {
  key: 'loss' | 'smooth' | 'val';
  name: string;
  color: string;
  width: number;
  /** Join across rows without a value (recharts' `connectNulls`). */
  connectGaps?: boolean;
  /** Radius of a dot on each row with a value; none when absent. */
  dotR?: number;
}

type Coords = [x: (r: LossRow) => number, y: (r: LossRow) => number];

function coords(s: LiveSeries, xs: ScaleFunction, ys: ScaleFunction): Coords {
  const [x, y] = [affine(xs), affine(ys)];
  return [
    (r) => x(r.step),
    (r) => {
      const v = r[s.key];
      return v === undefined ? NaN : y(v);
    },
  ];
}

/** The series' lines (and dots), clipped to the plot area like recharts' lines. */
export const LiveLines = memo(function LiveLines({
  rows,
  series,
}: {
  rows: readonly LossRow[];
  series: readonly LiveSeries[];
}) {
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  const area = usePlotArea();
  // useId's colons are not safe inside `url(#…)`.
  const clipId = `live-clip-${useId().replace(/[^a-zA-Z0-9_-]/g, '')}`;
  const drawn = useMemo(
    () =>
      xs && ys
        ? series.map((s) => {
            const [x, y] = coords(s, xs, ys);
            return {
              s,
              d: linePath(rows, x, y, s.connectGaps),
              dots: s.dotR ? finitePoints(rows, x, y) : [],
            };
          })
        : [],
    [rows, series, xs, ys],
  );
  if (!area || drawn.length === 0) return null;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.line}>
      <defs>
        <clipPath id={clipId}>
          <rect x={area.x} y={area.y} width={area.width} height={area.height} />
        </clipPath>
      </defs>
      {/* recharts' class names, so styles, tests and the SVG export see lines as before. */}
      {drawn.map(({ s, d, dots }) => (
        <g key={s.key} className="recharts-layer recharts-line" data-series={s.key}>
          <path
            className="recharts-curve recharts-line-curve"
            d={d}
            fill="none"
            stroke={s.color}
            strokeWidth={s.width}
            clipPath={`url(#${clipId})`}
          />
          {dots.length > 0 && (
            <g className="recharts-layer recharts-line-dots">
              {dots.map((p) => (
                <circle
                  key={p.row.step}
                  className="recharts-dot recharts-line-dot"
                  cx={p.x}
                  cy={p.y}
                  r={s.dotR}
                  fill={s.color}
                  stroke={s.color}
                  strokeWidth={s.width}
                />
              ))}
            </g>
          )}
        </g>
      ))}
    </ZIndexLayer>
  );
});

/**
 * The hovered row's dot on each live line (recharts draws these for its own lines only). Apart
 * from the lines so that hovering does not rebuild the paths.
 */
export function LiveActiveDots({
  rows,
  series,
}: {
  rows: readonly LossRow[];
  series: readonly LiveSeries[];
}) {
  const active = useIsTooltipActive();
  const points = useActiveTooltipDataPoints<LossRow>();
  const xs = useXAxisScale();
  const ys = useYAxisScale();
  if (!active || !points || !xs || !ys) return null;
  // Saved runs' rows can be among the hovered points; only the live run's own are drawn here.
  const row = points.find((p) => rows.includes(p));
  if (!row) return null;
  return (
    <ZIndexLayer zIndex={DefaultZIndexes.activeDot}>
      {series.map((s) => {
        const [x, y] = coords(s, xs, ys);
        const [cx, cy] = [x(row), y(row)];
        if (!Number.isFinite(cx) || !Number.isFinite(cy)) return null;
        return (
          <g key={s.key} className="recharts-layer recharts-active-dot">
            <circle
              className="recharts-dot"
              cx={cx}
              cy={cy}
              r={4}
              fill={s.color}
              stroke="#fff"
              strokeWidth={2}
            />
          </g>
        );
      })}
    </ZIndexLayer>
  );
}

/**
 * The default legend, with every entry shown active: the live lines are `hide`den from recharts'
 * drawing only (see above), which recharts would grey out.
 */
export function AllActiveLegend(props: DefaultLegendContentProps) {
  const payload = props.payload?.map((e) => (e.inactive ? { ...e, inactive: false } : e));
  return <DefaultLegendContent {...props} payload={payload} />;
}
