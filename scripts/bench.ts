// `npm run bench`: one ResNet training step on tfjs's webgpu backend, the lab's engine against a
// naive tfjs-layers build. Flags: --batch N (2; use 128 on a GPU), --depth D (56), --warmup, --steps.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Dawn needs a Vulkan loader and driver; on a machine without a GPU, Chromium ships both (SwiftShader).
const CHROMIUM = '/usr/lib/chromium';

/** The env to re-run with, or null when this process can already load Vulkan. */
function vulkanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | null {
  if (env.BENCH_REEXEC === '1' || !existsSync(CHROMIUM)) return null;
  const libPath = (env.LD_LIBRARY_PATH ?? '').split(':').filter((p) => p);
  if (libPath.includes(CHROMIUM)) return null;
  return {
    ...env,
    BENCH_REEXEC: '1',
    LD_LIBRARY_PATH: [CHROMIUM, ...libPath].join(':'),
    // Respect a driver chosen by the caller (a real GPU's ICD); else use SwiftShader.
    VK_ICD_FILENAMES: env.VK_ICD_FILENAMES ?? `${CHROMIUM}/vk_swiftshader_icd.json`,
  };
}

const env = vulkanEnv(process.env);
if (env) {
  // LD_LIBRARY_PATH is read once by the dynamic linker at start, so it takes a fresh process.
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: 'inherit',
    env,
  });
  process.exit(child.status ?? 1);
} else {
  const { main } = await import('./bench/run');
  await main(process.argv.slice(2));
  // Dawn keeps handles open; end explicitly once the JSON line is out.
  process.exit(0);
}
