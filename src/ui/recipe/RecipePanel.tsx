import { useMemo } from 'react';
import type { TrainConfig } from '../../core/config';
import { linkToQuery } from '../../core/link';
import { analyzeRange } from '../../core/range-test';
import {
  RECIPE,
  RECIPE_MOMENTUM,
  WD_GRID,
  rangeRerunAdvised,
  recipeFinalConfig,
  recipeFromConfig,
  type RecipeStepId,
} from '../../core/recipe';
import { startRun } from '../actions';
import { NumberControl } from '../controls/NumberControl';
import { SelectControl } from '../controls/SelectControl';
import { setMode } from '../range/actions';
import { formatLr } from '../range/rows';
import { isActive, labStore } from '../store';
import { useLab } from '../store/hooks';

// "done" only for a step that ran; accepted values say they were not run.
const STATUS_TEXT = {
  todo: '',
  done: '✓ done',
  set: '· set, not run',
  skipped: 'skipped',
} as const;

/** Smith's Section 5 as a checklist: one step open at a time, each pre-filled from the last. */
export function RecipePanel() {
  const config = useLab((s) => s.config);
  const stored = useLab((s) => s.recipe);
  const dispatch = useLab((s) => s.recipeDispatch);
  const state = stored ?? recipeFromConfig(config);

  return (
    <section className="panel recipe-panel" aria-labelledby="recipe-title">
      <h2 id="recipe-title">Guided recipe</h2>
      <p>
        Leslie Smith&apos;s recipe (Part I, Section 5): each step settles one hyper-parameter, and
        the next one starts from its result. Accept, change or skip each step.
      </p>
      <ol className="recipe-steps">
        {RECIPE.map((info, i) => {
          const current = state.step === i + 1;
          const status = state.status[i] ?? 'todo';
          return (
            <li
              key={info.id}
              data-testid={`recipe.step.${info.id}`}
              data-status={status}
              aria-current={current ? 'step' : undefined}
              className={`recipe-step${current ? ' recipe-step--current' : ''}`}
            >
              <button
                type="button"
                className="recipe-step__title btn"
                onClick={() => dispatch({ type: 'goto', step: i + 1 })}
              >
                {i + 1}. {info.title} {STATUS_TEXT[status]}
              </button>
              {current && (
                <div className="recipe-step__body">
                  <p data-testid="recipe.explain">{info.looksFor}</p>
                  <StepBody id={info.id} config={config} />
                  {info.id !== 'final' && (
                    <div className="recipe-step__actions">
                      <button
                        type="button"
                        className="btn btn--primary"
                        data-testid="recipe.accept"
                        onClick={() => dispatch({ type: 'accept', values: config })}
                      >
                        Accept and continue
                      </button>
                      <button
                        type="button"
                        className="btn"
                        data-testid="recipe.skip"
                        onClick={() => dispatch({ type: 'skip' })}
                      >
                        Skip
                      </button>
                    </div>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {state.status.some((s) => s !== 'todo') && (
        <button type="button" className="btn" onClick={() => dispatch({ type: 'restart' })}>
          Start the recipe again
        </button>
      )}
    </section>
  );
}

function StepBody({ id, config }: { id: RecipeStepId; config: TrainConfig }) {
  switch (id) {
    case 'range':
      return <RangeStep config={config} />;
    case 'batch':
      return <BatchStep config={config} />;
    case 'momentum':
      return (
        <>
          <SelectControl name="momSchedule" disabled={false} />
          <NumberControl name="momMax" disabled={false} />
          <NumberControl name="momMin" disabled={config.momSchedule !== 'cyclic'} />
          <p className="recipe-note">
            Compare settings with short runs in the Train instrument (a few epochs each, same seed)
            or the Sweeps tab; enter the winner here.{' '}
            <button type="button" className="btn" onClick={() => fill(RECIPE_MOMENTUM)}>
              Use 0.95–0.85 cyclical
            </button>{' '}
            <button type="button" className="btn" onClick={() => setMode('sweep')}>
              Open Sweeps
            </button>
          </p>
        </>
      );
    case 'wd':
      return (
        <>
          <NumberControl name="wd" disabled={false} />
          <p className="recipe-note">
            Grid to try: {WD_GRID.join(', ')}.{' '}
            <button type="button" className="btn" onClick={() => setMode('sweep')}>
              Open Sweeps
            </button>
          </p>
        </>
      );
    case 'final':
      return <FinalStep config={config} />;
  }
}

function fill(values: Partial<TrainConfig>): void {
  labStore.getState().patchConfig(values);
}

function RangeStep({ config }: { config: TrainConfig }) {
  const rangeRun = useLab((s) => s.rangeRun);
  const train = useLab((s) => s.rangeTrain);
  const val = useLab((s) => s.rangeVal);
  const dispatch = useLab((s) => s.recipeDispatch);
  const suggestion = useMemo(() => {
    if (!rangeRun || isActive(rangeRun) || rangeRun.state === 'failed') return null;
    const vals = val.flatMap((v) =>
      v.lr === undefined ? [] : [{ lr: v.lr, loss: v.loss, top1: v.top1 }],
    );
    return analyzeRange(train, vals).suggestions[0] ?? null;
  }, [rangeRun, train, val]);

  return (
    <>
      <p>
        Current bounds: LR max {formatLr(config.lrMax)}, LR min {formatLr(config.lrMin)}.
      </p>
      {suggestion && rangeRun ? (
        <button
          type="button"
          className="btn btn--primary"
          data-testid="recipe.use-range"
          onClick={() =>
            dispatch({
              type: 'rangeResult',
              lrMax: suggestion.lr,
              batchSize: rangeRun.config.batchSize,
            })
          }
        >
          Use the range test&apos;s {suggestion.label}: LR max {formatLr(suggestion.lr)}
        </button>
      ) : (
        <p className="recipe-note">No finished range test yet.</p>
      )}{' '}
      <button type="button" className="btn" onClick={() => setMode('range')}>
        Open the LR range test
      </button>
    </>
  );
}

function BatchStep({ config }: { config: TrainConfig }) {
  const stored = useLab((s) => s.recipe);
  const advise = stored !== null && rangeRerunAdvised(stored, config);
  return (
    <>
      <NumberControl name="batchSize" disabled={false} />
      {advise && (
        <p className="recipe-note" role="status">
          The LR bounds were measured at batch size {stored.rangeBatch}: repeat the range test (step
          1) at this batch size.
        </p>
      )}
    </>
  );
}

function FinalStep({ config }: { config: TrainConfig }) {
  const busy = useLab((s) => isActive(s.run) || isActive(s.rangeRun));
  const final = recipeFinalConfig(config);
  const href = `${location.origin}${location.pathname}?${linkToQuery({ config: final })}`;
  return (
    <>
      <p>
        1cycle from LR {formatLr(final.lrMin)} to {formatLr(final.lrMax)}, batch {final.batchSize},
        momentum{' '}
        {final.momSchedule === 'cyclic'
          ? `${final.momMax}–${final.momMin} cyclical`
          : `${final.momMax} constant`}
        , weight decay {final.wd}, {final.epochs} epochs.
      </p>
      <p>
        Share this configuration:{' '}
        <a data-testid="recipe.link" href={href}>
          final 1cycle run
        </a>
      </p>
      <button
        type="button"
        className="btn btn--primary"
        disabled={busy}
        onClick={() => {
          labStore.getState().patchConfig(final);
          startRun();
        }}
      >
        Start the final run
      </button>
    </>
  );
}
