// The browser benchmark page (bench.html): starts the benchmark worker with the plan from
// the query string and exposes what it reports as window.__benchResults for the driver
// (bench/browser/run.ts); also prints progress to the console and the page.
import { planFromQuery, type BenchWorkerMessage, type BrowserBenchResults } from './protocol.ts';

declare global {
  interface Window {
    __benchResults?: BrowserBenchResults;
  }
}

const results: BrowserBenchResults = {
  done: false,
  userAgent: navigator.userAgent,
  hardwareConcurrency: navigator.hardwareConcurrency,
  adapter: 'unknown',
  rows: [],
};
window.__benchResults = results;

const output = document.getElementById('log');
function show(line: string): void {
  console.log(`[bench] ${line}`);
  if (output) output.textContent += `${line}\n`;
}

const plan = planFromQuery(location.search);
show(`plan: ${JSON.stringify(plan)}`);
const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: 'hnca-bench' });
worker.onmessage = (event: MessageEvent<BenchWorkerMessage>) => {
  const message = event.data;
  switch (message.type) {
    case 'log':
      show(message.line);
      break;
    case 'adapter':
      results.adapter = message.adapter;
      break;
    case 'row':
      results.rows.push(message.row);
      break;
    case 'done':
      results.done = true;
      show('done');
      worker.terminate();
      break;
    case 'error':
      results.error = message.message;
      results.done = true;
      show(`error: ${message.message}`);
      worker.terminate();
      break;
  }
};
worker.onerror = (event: ErrorEvent) => {
  results.error = `worker error: ${event.message}`;
  results.done = true;
  show(results.error);
};
worker.postMessage(plan);
