import { useEffect, type MouseEvent } from 'react';
import { loadDataset } from './actions';
import { DiagnosisList } from './charts/DiagnosisList';
import { EpochTable } from './charts/EpochTable';
import { AccuracyChart, GenErrorChart } from './charts/EvalCharts';
import { LossChart } from './charts/LossChart';
import { ScheduleChart } from './charts/ScheduleChart';
import { ValSummary } from './charts/ValSummary';
import { ConfigForm } from './controls/ConfigForm';
import { Header } from './Header';
import { Hideable } from './Hideable';
import { HistoryPanel } from './history/HistoryPanel';
import { MODE_PANEL_ID, ModeTabs } from './ModeTabs';
import { RangePanel } from './range/RangePanel';
import { RecipePanel } from './recipe/RecipePanel';
import { SharePanel } from './share/SharePanel';
import { BudgetPresets } from './speed/BudgetPresets';
import { StatusPanel } from './status/StatusPanel';
import { TopologyPanel } from './topology/TopologyPanel';
import { DemoPanel } from './sweep/DemoPanel';
import { SweepPanel } from './sweep/SweepPanel';
import { useLab } from './store/hooks';
import { UrlNotice } from './UrlNotice';

/** Where the skip link lands: the main column, whose first control is the mode's Start. */
const RUN_ANCHOR = MODE_PANEL_ID;

/** Moves focus to the first enabled button of the mode panel (Start), not just the scroll. */
function focusRun(e: MouseEvent<HTMLAnchorElement>): void {
  const panel = document.getElementById(RUN_ANCHOR);
  const first = panel?.querySelector<HTMLElement>('button:not(:disabled)');
  if (!first) return;
  e.preventDefault();
  first.focus();
  first.scrollIntoView({ block: 'center' });
}

export function App() {
  const dataset = useLab((s) => s.config.dataset);
  const mode = useLab((s) => s.config.mode);
  // The worker caches datasets, so asking again (StrictMode, switching back) is cheap.
  useEffect(() => loadDataset(dataset), [dataset]);

  return (
    <div className="app">
      {/* Keyboard users reach Start in two key presses instead of after every setting. */}
      <a className="skip-link" href={`#${RUN_ANCHOR}`} onClick={focusRun}>
        Skip to Start and the charts
      </a>
      <Header />
      <UrlNotice />
      <Hideable name="tabs">
        <ModeTabs />
      </Hideable>
      <main className="layout">
        <section className="panel settings-panel" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <BudgetPresets />
          <ConfigForm />
        </section>
        <div
          className="main-column"
          id={MODE_PANEL_ID}
          role="tabpanel"
          aria-labelledby={`mode-tab-${mode}`}
        >
          {mode === 'range' && <RangePanel />}
          {mode === 'sweep' && <SweepPanel />}
          {mode === 'demo' && <DemoPanel />}
          {mode === 'recipe' && <RecipePanel />}
          {mode === 'train' && (
            <>
              <StatusPanel />
              <section className="panel chart-panel" aria-labelledby="chart-title">
                <h2 id="chart-title">Loss</h2>
                <SharePanel />
                <div className="chart-row">
                  <LossChart />
                  <ValSummary />
                </div>
                <DiagnosisList />
                <div className="chart-pair">
                  <GenErrorChart />
                  <AccuracyChart />
                </div>
                <EpochTable />
                <Hideable name="chart.schedule">
                  <ScheduleChart />
                </Hideable>
              </section>
              <Hideable name="panel.history">
                <HistoryPanel />
              </Hideable>
              <Hideable name="panel.topology">
                <TopologyPanel />
              </Hideable>
            </>
          )}
        </div>
      </main>
    </div>
  );
}
