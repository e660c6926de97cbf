import { useRef, type KeyboardEvent } from 'react';
import { LAB_MODES, type LabMode } from '../core/config';
import { setMode } from './range/actions';
import { useLab } from './store/hooks';

export const MODE_TEXT: Record<LabMode, string> = {
  train: 'Train',
  range: 'LR range test',
  sweep: 'Sweeps',
  demo: 'Super-convergence demo',
  recipe: 'Guided recipe',
};

export const MODE_PANEL_ID = 'mode-panel';

/** The instrument switch: a tab list (arrow keys, Home and End move and select, as ARIA advises). */
export function ModeTabs() {
  const mode = useLab((s) => s.config.mode);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = LAB_MODES.indexOf(mode);
    const n = LAB_MODES.length;
    const next =
      e.key === 'ArrowRight'
        ? (i + 1) % n
        : e.key === 'ArrowLeft'
          ? (i - 1 + n) % n
          : e.key === 'Home'
            ? 0
            : e.key === 'End'
              ? n - 1
              : null;
    if (next === null) return;
    e.preventDefault();
    setMode(LAB_MODES[next]!);
    refs.current[next]?.focus();
  };

  return (
    <div className="mode-tabs" role="tablist" aria-label="Instrument" onKeyDown={onKeyDown}>
      {LAB_MODES.map((m, i) => (
        <button
          key={m}
          ref={(el) => {
            refs.current[i] = el;
          }}
          type="button"
          role="tab"
          id={`mode-tab-${m}`}
          data-testid={`mode.${m}`}
          aria-selected={m === mode}
          aria-controls={MODE_PANEL_ID}
          tabIndex={m === mode ? 0 : -1}
          className={`mode-tabs__tab${m === mode ? ' mode-tabs__tab--active' : ''}`}
          onClick={() => setMode(m)}
        >
          {MODE_TEXT[m]}
        </button>
      ))}
    </div>
  );
}

/** The instruments not built yet say so rather than show an empty page. */
export function ComingSoon({ mode }: { mode: LabMode }) {
  return (
    <section className="panel" aria-labelledby="soon-title">
      <h2 id="soon-title">{MODE_TEXT[mode]}</h2>
      <p>Coming soon. Meanwhile, the Train and LR range test instruments work.</p>
    </section>
  );
}
