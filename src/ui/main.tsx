import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { labStore } from './store';
import { startHistory } from './history/actions';
import { listCheckpoints } from './history/resume';
import { openSharedFromLink } from './share/share';
import { installTestHooks } from './test-hooks';
import { readUrlLink, startUrlSync } from './url-state';
import './styles.css';

const link = readUrlLink(location.search);
labStore.getState().loadConfig(link.config, link.notices);
labStore.getState().setHidden(link.hide);
labStore.getState().setSweepText(link.sweepValues);
startUrlSync();
if (link.shared !== null) void openSharedFromLink(link.shared);
void startHistory();
// Runs that a reload or crash cut short offer Resume when the worker holds their checkpoint.
listCheckpoints();
if (__LAB_TEST_HOOKS__) installTestHooks();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
