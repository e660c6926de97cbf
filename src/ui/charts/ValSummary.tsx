import { formatPercent } from '../format';
import type { LabState } from '../store';
import { useLabPerFrame } from '../store/frame';

const selectVal = (s: LabState) => s.valPoints;
const selectTrain = (s: LabState) => s.trainPoints;

/** The latest numbers as text, beside the chart (and for screen readers). */
export function ValSummary() {
  const val = useLabPerFrame(selectVal);
  const train = useLabPerFrame(selectTrain);
  const last = val.at(-1);
  const best = val.reduce<number | null>((b, p) => (b === null || p.top1 > b ? p.top1 : b), null);
  const lastTrain = train.at(-1);

  return (
    <aside className="summary" aria-label="Latest results">
      <h3>Validation</h3>
      {last ? (
        <dl>
          <div>
            <dt>Top-1 accuracy</dt>
            <dd className="summary__big">{formatPercent(last.top1)}</dd>
          </div>
          <div>
            <dt>Top-5 accuracy</dt>
            <dd>{formatPercent(last.top5)}</dd>
          </div>
          <div>
            <dt>Loss</dt>
            <dd>{last.loss.toFixed(3)}</dd>
          </div>
          <div>
            <dt>Evaluated at</dt>
            <dd>epoch {last.epoch.toFixed(1)}</dd>
          </div>
          {best !== null && val.length > 1 && (
            <div>
              <dt>Best top-1</dt>
              <dd>{formatPercent(best)}</dd>
            </div>
          )}
        </dl>
      ) : (
        <p className="summary__none">No evaluation yet.</p>
      )}
      {lastTrain && (
        <>
          <h3>Training</h3>
          <dl>
            <div>
              <dt>Iteration</dt>
              <dd>{lastTrain.step}</dd>
            </div>
            <div>
              <dt>Learning rate</dt>
              <dd>{Number(lastTrain.lr.toPrecision(3))}</dd>
            </div>
            <div>
              <dt>Momentum</dt>
              <dd>{lastTrain.momentum.toFixed(3)}</dd>
            </div>
          </dl>
        </>
      )}
    </aside>
  );
}
