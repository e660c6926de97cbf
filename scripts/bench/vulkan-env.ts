// Runs a bench entry in a process that can load Vulkan (needed by Dawn, the `webgpu` package).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// Dawn needs a Vulkan loader and driver; on a machine without a GPU, Chromium ships both (SwiftShader).
const CHROMIUM = '/usr/lib/chromium';

/** The env to re-run with, or null when this process can already load Vulkan. */
export function vulkanEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv | null {
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

/**
 * Calls `main` here when Vulkan can load, else re-runs this script in a child with the env set
 * (LD_LIBRARY_PATH is read once by the dynamic linker at start, so it takes a fresh process).
 * Exits afterwards: Dawn keeps handles open.
 */
export async function runWithVulkan(main: () => Promise<void>): Promise<never> {
  const env = vulkanEnv(process.env);
  if (env) {
    // --expose-gc: the timed rounds collect garbage between steps (measure.ts).
    const flags = [...process.execArgv, '--expose-gc'];
    const child = spawnSync(process.execPath, [...flags, ...process.argv.slice(1)], {
      stdio: 'inherit',
      env,
    });
    process.exit(child.status ?? 1);
  }
  await main();
  process.exit(0);
}
