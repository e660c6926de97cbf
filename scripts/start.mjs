// `npm start`: make sure CIFAR-10 shards exist (soft: the page can load a tarball instead), then
// serve the lab with Vite and open it in the default browser.
import { spawn, spawnSync } from 'node:child_process';

spawnSync('node', ['scripts/ensure-data.mjs', '--soft'], { stdio: 'inherit' });
const vite = spawn('npx', ['vite', '--open'], { stdio: 'inherit' });
vite.on('exit', (code) => process.exit(code ?? 0));
