/** The worker thread of server/sync/slicer.ts: slices the boards it is handed, one at a time. */
import { parentPort } from 'node:worker_threads';
import { pack, sliceState, unpack, type PackedJob } from './slices';

const port = parentPort;
if (!port) throw new Error('slicer-worker.ts runs as a worker thread');

port.on('message', (job: PackedJob) => {
  try {
    const [snapshot = null, ...updates] = unpack(job);
    const { state, slices } = sliceState({ snapshot, updates: updates.filter((update) => update !== null) });
    const packed = pack([state, ...slices]);
    port.postMessage({ id: job.id, ...packed }, [packed.buffer]);
  } catch (error) {
    port.postMessage({ id: job.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
});
