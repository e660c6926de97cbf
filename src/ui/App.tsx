import { useEffect } from 'react';
import { loadDataset } from './actions';
import { LossChart } from './charts/LossChart';
import { ScheduleChart } from './charts/ScheduleChart';
import { ValSummary } from './charts/ValSummary';
import { ConfigForm } from './controls/ConfigForm';
import { Header } from './Header';
import { StatusPanel } from './status/StatusPanel';
import { useLab } from './store/hooks';
import { UrlNotice } from './UrlNotice';

export function App() {
  const dataset = useLab((s) => s.config.dataset);
  // The worker caches datasets, so asking again (StrictMode, switching back) is cheap.
  useEffect(() => loadDataset(dataset), [dataset]);

  return (
    <div className="app">
      <Header />
      <UrlNotice />
      <main className="layout">
        <section className="panel settings-panel" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <ConfigForm />
        </section>
        <div className="main-column">
          <StatusPanel />
          <section className="panel chart-panel" aria-labelledby="chart-title">
            <h2 id="chart-title">Loss</h2>
            <div className="chart-row">
              <LossChart />
              <ValSummary />
            </div>
            <ScheduleChart />
          </section>
        </div>
      </main>
    </div>
  );
}
