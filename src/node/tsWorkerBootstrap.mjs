// Worker-thread entry that lets a worker run TypeScript sources: Node 20 does not pass the
// parent's tsx loader hooks on to workers, so each worker registers tsx itself, then imports
// the module named in workerData.__entry.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__entry);
