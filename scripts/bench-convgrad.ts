// `npm run bench:convgrad`: tfjs's weight-gradient kernel vs the engine's tiled one on webgpu
// (see scripts/bench/conv-filter-grad.ts for flags and docs/benchmarks.md for figures).
import { runWithVulkan } from './bench/vulkan-env';

await runWithVulkan(async () => {
  const { useNodeWebGpu } = await import('./bench/webgpu-node');
  const adapter = await useNodeWebGpu();
  process.stdout.write(`adapter: ${adapter}\n`);
  const { main } = await import('./bench/conv-filter-grad');
  await main(process.argv.slice(2), adapter);
});
