import { useMemo } from 'react';
import { CartesianGrid, Legend, Line, LineChart, XAxis, YAxis } from 'recharts';
import type { LabState } from '../store';
import { useLabPerFrame } from '../store/frame';
import { MAX_DRAWN, minMaxBuckets, niceTicks } from './series';

const selectTrain = (s: LabState) => s.trainPoints;
const selectTotalSteps = (s: LabState) => s.run?.progress?.totalSteps ?? 0;

/** The 1cycle schedule as it ran: learning rate up then down, momentum the other way. */
export function ScheduleChart() {
  const train = useLabPerFrame(selectTrain);
  const totalSteps = useLabPerFrame(selectTotalSteps);
  // Both curves are smooth, so min/max buckets on LR thin them without visible loss.
  const drawn = useMemo(() => minMaxBuckets(train, MAX_DRAWN, (p) => p.lr), [train]);
  if (train.length === 0) return null;
  const xMax = Math.max(totalSteps, train.at(-1)?.step ?? 1);

  return (
    <div
      className="chart chart--small"
      role="figure"
      aria-label="Learning rate and momentum against iteration"
    >
      <LineChart
        responsive
        style={{ width: '100%', height: '100%' }}
        data={drawn}
        margin={{ top: 4, right: 8, bottom: 4, left: 8 }}
      >
        <CartesianGrid stroke="#e3e7ee" />
        <XAxis
          type="number"
          dataKey="step"
          domain={[0, xMax]}
          ticks={niceTicks(xMax)}
          allowDecimals={false}
          tick={{ fontSize: 12 }}
        />
        <YAxis
          yAxisId="lr"
          tick={{ fontSize: 12 }}
          width={56}
          tickFormatter={(v: number) => String(Number(v.toPrecision(2)))}
        />
        <YAxis
          yAxisId="mom"
          orientation="right"
          domain={['auto', 'auto']}
          tick={{ fontSize: 12 }}
          width={44}
        />
        <Legend verticalAlign="top" />
        <Line
          yAxisId="lr"
          dataKey="lr"
          name="Learning rate"
          stroke="#047857"
          strokeWidth={2}
          dot={false}
          isAnimationActive={false}
        />
        <Line
          yAxisId="mom"
          dataKey="momentum"
          name="Momentum (right axis)"
          stroke="#7c3aed"
          strokeWidth={1.5}
          strokeDasharray="5 3"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}
