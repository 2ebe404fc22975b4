// `npm run bench:browser`: the browser benchmark (bench/browser/browserBench.ts) on its own;
// writes bench/RESULTS-browser.md and bench/browser/results.json.
// Env: BROWSER_BENCH_HIDDEN ("1,3"), BROWSER_BENCH_RUNS ("1,4"), BROWSER_BENCH_BACKENDS ("cpu,webgpu"),
// BROWSER_BENCH_CPU_SECONDS (2), BROWSER_BENCH_GPU_STEPS (3), BROWSER_BENCH_GPU_BUDGET (110 s).
import { browserPlanFromEnv, runBrowserBench } from './browserBench.ts';

const here = (name: string): string => new URL(name, import.meta.url).pathname;
const report = await runBrowserBench({ plan: browserPlanFromEnv(process.env), markdownPath: here('../RESULTS-browser.md'), jsonPath: here('results.json') });
if (report.error) {
  console.error(`browser bench: ${report.error}`);
  process.exitCode = 1;
}
