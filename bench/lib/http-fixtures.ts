/** Inputs of the HTTP benchmarks: form data a state user would send, and a small document. */
import { randomUUID } from 'node:crypto';
import { type FormData, FormDataSchema, type User } from '../../src/domain/index.js';
import { contractOnlyReady } from '../../test/support/complete-form.js';

/** A contract-only submission that passes every submit rule once it has a CONTRACT document. */
export function contractOnly(programId: string, submissionDescription: string): FormData {
  return FormDataSchema.parse(
    contractOnlyReady([programId], {
      submissionDescription,
      stateContacts: [{ name: 'Load Tester', title: 'Analyst', email: 'load.tester@state.example.gov' }],
    }),
  );
}

/** A state user of `stateCode` made for a benchmark. */
export const benchUser = (stateCode: string): Extract<User, { role: 'STATE_USER' }> => ({
  id: randomUUID(),
  email: `bench.${stateCode.toLowerCase()}@${stateCode.toLowerCase()}.example.gov`,
  givenName: 'Bench',
  familyName: stateCode,
  role: 'STATE_USER',
  stateCode,
});

/** A small but real PDF (the upload checks the type from the content). */
export const SMALL_PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/**
 * A multipart/form-data body: the fields, then one file (the API reads the fields before the
 * file). test/support/api.ts has the same helper, but importing it would load vitest.
 */
export function multipartBody(fields: Record<string, string>, file: { name: string; content: Buffer }) {
  const boundary = `----carepackbench${randomUUID().replaceAll('-', '')}`;
  const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
  );
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
