import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { labStore } from './store';
import { readUrlConfig, startUrlSync } from './url-state';
import './styles.css';

const { config, notices } = readUrlConfig(location.search);
labStore.getState().loadConfig(config, notices);
startUrlSync();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
