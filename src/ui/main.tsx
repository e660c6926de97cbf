import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { labStore } from './store';
import { startHistory } from './history/actions';
import { listCheckpoints } from './history/resume';
import { openSharedFromLink } from './share/share';
import { installTestHooks } from './test-hooks';
import { withModelDefaults } from '../core/model-defaults';
import { startSpeedSync } from './speed/actions';
import { startLoadRateSync } from './speed/load-rate';
import { readUrlLink, startUrlSync } from './url-state';
import './styles.css';
import './first-minutes.css';

const link = readUrlLink(location.search);
// Settings the link named stay; the model's own LR bounds and weight decay fill the rest.
const pinned = [...new URLSearchParams(location.search).keys()];
labStore.getState().setPinned(pinned);
const linked = withModelDefaults(link.config, link.config.model, pinned).config;
labStore.getState().loadConfig(linked, link.notices);
labStore.getState().setHidden(link.hide);
labStore.getState().setSweepText(link.sweepValues);
// Before the URL sync, so a first visit's link shows its preset rather than the schema defaults.
startSpeedSync(location.search.replace(/^\?/, '') === '');
startUrlSync();
startLoadRateSync();
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
