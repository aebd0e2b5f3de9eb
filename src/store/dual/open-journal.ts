/** The mirror journal the configuration names: a file, or objects in S3 shared by every instance. */
import type { JournalLocation } from '../../config.js';
import { createS3Client } from '../../files/s3-client.js';
import { fileJournal, type MirrorJournal } from './mirror-journal.js';
import { s3Journal } from './s3-journal.js';

export function openJournal(location: JournalLocation): MirrorJournal {
  if (location.kind === 'file') return fileJournal(location.path);
  const client = createS3Client({
    endpoint: location.endpoint,
    region: location.region,
    credentials: location.credentials,
  });
  return s3Journal({ client, bucket: location.bucket, prefix: location.prefix });
}

/** How a start-up line or a report names the journal. */
export const journalName = (location: JournalLocation) =>
  location.kind === 'file' ? location.path : `s3://${location.bucket}/${location.prefix}`;
