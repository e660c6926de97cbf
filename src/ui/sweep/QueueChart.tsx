import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { lrAxis, sig3, xAxis, yAxis } from '../charts/axes';
import { HoverTooltip } from '../charts/HoverTooltip';
import { overlayColour } from '../history/colours';
import type { EntrySeries } from './rows';

export type Metric = 'loss' | 'top1';

const FROM_ZERO: [number, string] = [0, 'dataMax'];
const percent = (v: number) => `${Math.round(v * 100)}%`;

/**
 * Several runs on one chart: smoothed training loss (solid) and validation loss (dashed, dots),
 * or validation accuracy; the best run is drawn thicker.
 */
export function QueueChart({
  series,
  metric,
  xLabel,
  best,
  testId,
  title,
  logX,
  marker,
}: {
  series: EntrySeries[];
  metric: Metric;
  xLabel: string;
  best: number | null;
  testId: string;
  title: string;
  /** A log x axis over [lo, hi] (the LR of range tests) instead of a linear one from 0. */
  logX?: { lo: number; hi: number };
  /** A labelled point on the best curve (the range sweep's lowest validation loss). */
  marker?: { x: number; y: number; label: string };
}) {
  const curves = series.filter((s) => s.train.length > 0 || s.val.length > 0).length;
  return (
    <div
      className="chart"
      data-testid={testId}
      data-curves={curves}
      role="figure"
      aria-label={title}
    >
      <LineChart
        responsive
        style={{ width: '100%', height: '100%' }}
        margin={{ top: 8, right: 16, bottom: 28, left: 8 }}
      >
        <CartesianGrid stroke="#e3e7ee" />
        <XAxis
          {...(logX
            ? lrAxis('x', xLabel, logX.lo, logX.hi)
            : xAxis('x', { label: xLabel, domain: FROM_ZERO, format: sig3 }))}
        />
        <YAxis
          {...(metric === 'top1'
            ? yAxis({ label: 'Validation accuracy', domain: [0, 1], format: percent, clip: true })
            : yAxis({
                label: 'Loss (cross-entropy)',
                domain: [0, 'auto'],
                format: sig3,
                clip: true,
              }))}
        />
        <Tooltip content={(props) => <HoverTooltip {...props} />} />
        <Legend verticalAlign="top" />
        {series.flatMap((s, i) => {
          const colour = overlayColour(i);
          const width = i === best ? 3 : 1.5;
          const name = i === best ? `${s.label} ★ best` : s.label;
          const lines = [
            <Line
              key={`${i}-val`}
              data={s.val}
              dataKey={metric}
              name={metric === 'top1' ? name : `${name} (val)`}
              stroke={colour}
              strokeDasharray={metric === 'top1' ? undefined : '5 3'}
              strokeWidth={width}
              dot={{ r: 3, fill: colour }}
              isAnimationActive={false}
            />,
          ];
          if (metric === 'loss')
            lines.unshift(
              <Line
                key={`${i}-train`}
                data={s.train}
                dataKey="smooth"
                name={`${name} (train)`}
                stroke={colour}
                strokeWidth={width}
                dot={false}
                isAnimationActive={false}
              />,
            );
          return lines;
        })}
        {marker && (
          <ReferenceDot
            x={marker.x}
            y={marker.y}
            ifOverflow="extendDomain"
            shape={(p: { cx?: number; cy?: number }) => (
              <g data-testid={`${testId}-best-marker`} data-x={marker.x} data-y={marker.y}>
                <title>{marker.label}</title>
                <circle cx={p.cx} cy={p.cy} r={7} fill="none" stroke="#111827" strokeWidth={2} />
                <text x={(p.cx ?? 0) + 10} y={(p.cy ?? 0) - 8} fontSize={11} fill="#111827">
                  ★ best
                </text>
              </g>
            )}
          />
        )}
      </LineChart>
    </div>
  );
}
