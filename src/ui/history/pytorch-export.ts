/** "PyTorch script" for a run in the history: the generator is pure core code, never tfjs. */
import {
  exportQuery,
  initialWeightsFile,
  pytorchScript,
  schemaConfig,
  SCRIPT_FILE,
  WEIGHTS_FILE,
} from '../../core/export';
import type { RunRecord } from '../../core/run-record';
import { download } from './actions';

export function downloadPytorchScript(run: Pick<RunRecord, 'config'>): void {
  const config = schemaConfig(run.config);
  const text = pytorchScript(config, exportQuery(config));
  download(new Blob([text], { type: 'text/x-python' }), SCRIPT_FILE);
}

/** The run's initial weights for `train.py --init init.bin` (the script can also draw them). */
export function downloadInitialWeights(run: Pick<RunRecord, 'config'>): void {
  const bytes = initialWeightsFile(schemaConfig(run.config));
  download(new Blob([bytes], { type: 'application/octet-stream' }), WEIGHTS_FILE);
}
