// `npm run bench:soak`: memory soak of the training loop (see scripts/bench/soak.ts for flags).
import { runWithVulkan } from './bench/vulkan-env';

await runWithVulkan(async () => {
  const { main } = await import('./bench/soak');
  await main(process.argv.slice(2));
});
