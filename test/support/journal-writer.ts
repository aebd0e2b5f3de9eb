/**
 * A portal stand-in for journal tests: another process that journals `count` mirror
 * failures, as fast as it can, `parallel` at a time.
 * Usage: node --import tsx test/support/journal-writer.ts <journal> <count> <parallel> <tag>
 */
import { fileJournal } from '../../src/store/dual/mirror-journal.js';

const [path, count, parallel, tag] = process.argv.slice(2);
const journal = fileJournal(path!);
let next = 0;
async function writer() {
  while (next < Number(count)) {
    const n = next++;
    await journal.record({
      kind: 'package',
      packageId: `${tag}-${n}`,
      operation: 'updateDraft',
      at: new Date().toISOString(),
      error: 'the secondary refused the connection',
    });
  }
}
await Promise.all(Array.from({ length: Number(parallel) }, writer));
