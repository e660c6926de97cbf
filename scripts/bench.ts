// `npm run bench`: one ResNet training step on tfjs's webgpu backend, the lab's engine against a
// naive tfjs-layers build. Flags: --batch N (2; use 128 on a GPU), --depth D (56), --warmup, --steps.
import { runWithVulkan } from './bench/vulkan-env';

await runWithVulkan(async () => {
  const { main } = await import('./bench/run');
  await main(process.argv.slice(2));
});
