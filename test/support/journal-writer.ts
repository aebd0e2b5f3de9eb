/**
 * A portal stand-in for journal tests: another process that journals `count` mirror
 * failures, as fast as it can, `parallel` at a time.
 * Usage: node --import tsx test/support/journal-writer.ts <journal location as JSON> <count> <parallel> <tag>
 */
import type { JournalLocation } from '../../src/config.js';
import { openJournal } from '../../src/store/dual/open-journal.js';

const [location, count, parallel, tag] = process.argv.slice(2);
const journal = openJournal(JSON.parse(location!) as JournalLocation);
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
