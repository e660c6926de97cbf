import { formatDuration } from '../format';
import { useLabPerFrame } from '../store/frame';
import { liveEvalRows, selectTrain, selectVal } from './selectors';

const fmt = (v: number, digits = 6) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/**
 * One line per evaluation, as fastai prints after each epoch: epoch, training loss (smoothed, as
 * fastai reports it), validation loss, top-1 and top-5 accuracy, and the time it took.
 */
export function EpochTable() {
  const rows = liveEvalRows(useLabPerFrame(selectTrain), useLabPerFrame(selectVal));
  if (rows.length === 0) return null;
  return (
    <div className="epoch-table">
      <table data-testid="epoch-table">
        <caption>Per-epoch results</caption>
        <thead>
          <tr>
            <th scope="col">epoch</th>
            <th scope="col">train_loss</th>
            <th scope="col">valid_loss</th>
            <th scope="col">accuracy</th>
            <th scope="col">top_5</th>
            <th scope="col">time</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.step}>
              <td>{Number.isInteger(r.epoch) ? r.epoch : r.epoch.toFixed(2)}</td>
              <td>{fmt(r.train)}</td>
              <td>{fmt(r.val)}</td>
              <td>{fmt(r.top1 / 100)}</td>
              <td>{fmt(r.top5 / 100)}</td>
              <td>{formatDuration(r.seconds)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
