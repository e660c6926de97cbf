import { useMemo } from 'react';
import { validateConfig } from '../../core/config';
import { startRun, stopRun, togglePause } from '../actions';
import { isActive } from '../store';
import { useLab } from '../store/hooks';
import { RunControls } from './RunControls';
import { useStartReasons } from './start-reasons';

const ACTIONS = { start: startRun, pause: togglePause, stop: stopRun };

/** The training run's Start, Pause/Resume and Stop. */
export function RunButtons() {
  const config = useLab((s) => s.config);
  const active = useLab((s) => isActive(s.run));
  const paused = useLab((s) => s.run?.state === 'paused');
  const stopping = useLab((s) => s.run?.stopRequested ?? false);
  // The worker runs one thing at a time: a range test in progress holds Start too.
  const rangeBusy = useLab((s) => isActive(s.rangeRun));
  const errors = useMemo(() => validateConfig(config).map((e) => e.message), [config]);
  const blocked = useStartReasons(errors, 'load it below first');

  return (
    <RunControls
      startTitle="Start training with these settings"
      busyTitle="A run is active"
      actions={ACTIONS}
      run={{ active, paused, stopping }}
      blocked={blocked}
      held={rangeBusy}
      // The data-fault specs read the reason by this id.
      reasonId="start-blocked"
    />
  );
}
