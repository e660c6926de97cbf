// `npm run bench:inputgrad`: tfjs's naive input-gradient kernel vs its MM kernel on webgpu
// (see scripts/bench/conv-input-grad.ts for flags and docs/benchmarks.md for figures).
import { runWithVulkan } from './bench/vulkan-env';

await runWithVulkan(async () => {
  const { useNodeWebGpu } = await import('./bench/webgpu-node');
  const adapter = await useNodeWebGpu();
  process.stdout.write(`adapter: ${adapter}\n`);
  const { main } = await import('./bench/conv-input-grad');
  await main(process.argv.slice(2), adapter);
});
