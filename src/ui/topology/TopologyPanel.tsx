/**
 * The loss-topology experiment: the next run keeps its weights at two steps, then train and
 * validation loss are evaluated along w(α) = α·w1 + (1−α)·w2 (w1 the earlier snapshot).
 */
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { runSteps } from '../../core/config';
import { defaultSnapshotSteps, snapshotStepsError, type TopologyPoint } from '../../core/topology';
import { sig3, xAxis, yAxis } from '../charts/axes';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';
import { send } from '../worker-client';

/** Images per split the line is evaluated on: enough to be smooth, few enough for 9 points. */
const LINE_IMAGES = 1000;
/** α past both ends shows whether the loss rises on either side of the two snapshots. */
const ALPHA_DOMAIN: [number, number] = [-0.5, 1.5];
const ALPHA_TICKS = [-0.5, 0, 0.5, 1, 1.5];
const LOSS_DOMAIN: [number, string] = [0, 'auto'];

function evaluateLine(): void {
  const s = labStore.getState();
  if (!s.snapshots || !s.run) return;
  const count = Math.min(LINE_IMAGES, s.run.config.trainSize, s.run.config.valSize);
  s.beginTopology(s.snapshots.runId);
  send({ type: 'topology', runId: s.snapshots.runId, trainCount: count, valCount: count });
}

/**
 * The engine mixes w(α) = α·w1 + (1−α)·w2 (core/topology.ts); the chart reads left to right from
 * the first snapshot to the second, so it plots 1 − α: 0 at the first step, 1 at the second.
 */
function fromFirstSnapshot(points: readonly TopologyPoint[]): TopologyPoint[] {
  return points.map((p) => ({ ...p, alpha: 1 - p.alpha })).sort((p, q) => p.alpha - q.alpha);
}

export function TopologyPanel() {
  const config = useLab((s) => s.config);
  const plan = useLab((s) => s.snapshotPlan);
  const setPlan = useLab((s) => s.setSnapshotPlan);
  const snapshots = useLab((s) => s.snapshots);
  const line = useLab((s) => s.topology);
  const busy = useLab((s) => isActive(s.run));
  const { totalSteps } = runSteps(config);
  const [draft, setDraft] = useState<[number, number]>(() => defaultSnapshotSteps(totalSteps));
  const error = snapshotStepsError(draft, totalSteps);
  const ready = snapshots !== null && snapshots.steps.length >= 2 && !busy;
  const [a, b] = snapshots?.steps ?? [];

  return (
    <section className="panel topology-panel" aria-labelledby="topology-title">
      <h2 id="topology-title">Loss topology</h2>
      <p>
        Keep the weights at two steps of the next run (e.g. the ends of two cycles), then plot the
        loss along the straight line through them. A flat, low valley between the two suggests both
        lie in one wide basin.
      </p>
      <div className="topology-plan">
        <label>
          <input
            type="checkbox"
            data-testid="topology.enable"
            checked={plan !== null}
            disabled={busy || (plan === null && error !== null)}
            onChange={(e) => setPlan(e.target.checked ? draft : null)}
          />{' '}
          Keep snapshots at steps
        </label>{' '}
        {([0, 1] as const).map((i) => (
          <input
            key={i}
            type="number"
            aria-label={`Snapshot ${i + 1} step`}
            data-testid={`topology.step${i + 1}`}
            min={1}
            max={totalSteps}
            value={draft[i]}
            disabled={busy}
            onChange={(e) => {
              const next: [number, number] = [...draft];
              next[i] = Number(e.target.value);
              setDraft(next);
              if (plan !== null && snapshotStepsError(next, totalSteps) === null) setPlan(next);
            }}
          />
        ))}{' '}
        <span className="topology-plan__of">of {totalSteps}</span>
        {error && <p className="control__error">{error}</p>}
      </div>
      {snapshots && (
        <p data-testid="topology.snapshots">
          Snapshots held: {snapshots.steps.length === 0 ? 'none yet' : snapshots.steps.join(', ')}
        </p>
      )}
      <button
        type="button"
        className="btn btn--primary"
        data-testid="topology.evaluate"
        disabled={!ready || line?.pending === true}
        onClick={evaluateLine}
      >
        {line?.pending ? 'Evaluating…' : 'Evaluate the line'}
      </button>
      {line?.error && <p className="control__error">{line.error}</p>}
      {line && line.points.length > 0 && (
        <div
          className="chart chart--medium"
          data-testid="topology-chart"
          data-points={line.points.length}
          role="figure"
          aria-label={`Train and validation loss along (1−α)·w(step ${a}) + α·w(step ${b})`}
        >
          <LineChart
            data={fromFirstSnapshot(line.points)}
            style={{ width: '100%', height: '100%' }}
            responsive
            margin={{ top: 8, right: 16, bottom: 24, left: 8 }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              {...xAxis('alpha', {
                label: `α (0 = step ${a}, 1 = step ${b})`,
                labelOffset: -14,
                domain: ALPHA_DOMAIN,
                ticks: ALPHA_TICKS,
              })}
            />
            <YAxis {...yAxis({ label: 'Loss', domain: LOSS_DOMAIN, format: sig3 })} />
            <Tooltip formatter={(v) => (typeof v === 'number' ? v.toPrecision(4) : v)} />
            <Legend verticalAlign="top" />
            <Line
              dataKey="trainLoss"
              name="Train loss"
              stroke="#2563eb"
              isAnimationActive={false}
            />
            <Line
              dataKey="valLoss"
              name="Validation loss"
              stroke="#dc2626"
              isAnimationActive={false}
            />
          </LineChart>
        </div>
      )}
    </section>
  );
}
