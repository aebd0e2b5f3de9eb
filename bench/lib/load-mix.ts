/**
 * The load test's clients: each signs in as its state's user and, until the deadline, lists,
 * reads, updates, uploads to and submits that state's packages, as a browser would. What the API
 * acknowledged (2xx) goes into a ledger, which load-checks.ts compares with what is stored after.
 */
import { randomInt } from 'node:crypto';
import { contractOnly, multipartBody, SMALL_PDF } from './http-fixtures.js';
import type { Answer, Recorder } from './http-recorder.js';

/** A package the clients work on, and every change the API acknowledged on it. */
export interface Tracked {
  id: string;
  /** Updates and uploads go to shared drafts; submits to drafts a client made for the purpose. */
  shared: boolean;
  /** The newest version any answer showed (clients send it as expectedVersion). */
  version: number;
  uploadsStarted: number;
  /** 2xx PUTs: the version they produced and the marker they wrote into submissionDescription. */
  updates: { version: number; marker: string }[];
  /** Ids of 2xx uploads. */
  documents: string[];
  /** A 2xx submit. */
  submitted: boolean;
}

export interface LoadState {
  code: string;
  programId: string;
  headers: { cookie: string; 'x-csrf-token': string };
  packages: Tracked[];
}

/** Uploads per shared draft before clients move to a new one (a revision holds at most 48 documents). */
const UPLOADS_PER_DRAFT = 40;

export const MIX = { list: 30, get: 25, update: 25, upload: 10, submit: 10 } as const;
export type Op = keyof typeof MIX;

const json = (headers: LoadState['headers'], body: unknown): RequestInit => ({
  headers: { ...headers, 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const pickFrom = <T>(xs: readonly T[]): T | undefined => (xs.length ? xs[randomInt(xs.length)] : undefined);

function pickOp(): Op {
  const total = Object.values(MIX).reduce((a, b) => a + b, 0);
  let r = randomInt(total);
  for (const [op, weight] of Object.entries(MIX) as [Op, number][]) {
    if (r < weight) return op;
    r -= weight;
  }
  return 'list';
}

function seen(t: Tracked, answer: Answer) {
  if (answer.status === 200 && typeof answer.body?.version === 'number')
    t.version = Math.max(t.version, answer.body.version);
}

/** POST /api/packages: a contract-only draft, tracked from its 201 on. */
export async function createDraft(http: Recorder, st: LoadState, shared: boolean, marker: string) {
  const res = await http.call('create', '/api/packages', {
    method: 'POST',
    ...json(st.headers, { formData: contractOnly(st.programId, marker) }),
  });
  if (res.status !== 201) return undefined;
  const t: Tracked = {
    id: res.body.id,
    shared,
    version: res.body.version,
    uploadsStarted: 0,
    updates: [],
    documents: [],
    submitted: false,
  };
  st.packages.push(t);
  return t;
}

async function get(http: Recorder, st: LoadState, t: Tracked) {
  const res = await http.call('get', `/api/packages/${t.id}`, { headers: { cookie: st.headers.cookie } });
  seen(t, res);
  return res;
}

async function upload(http: Recorder, st: LoadState, t: Tracked, marker: string, category: string) {
  t.uploadsStarted++;
  const { body, contentType } = multipartBody({ category }, { name: `${marker}.pdf`, content: SMALL_PDF });
  const res = await http.call('upload', `/api/packages/${t.id}/documents`, {
    method: 'POST',
    headers: { ...st.headers, 'content-type': contentType },
    body,
  });
  if (res.status === 201) t.documents.push(res.body.id);
  return res;
}

const OPS: Record<Op, (http: Recorder, st: LoadState, marker: string) => Promise<unknown>> = {
  list: (http, st) => {
    const variant = pickFrom(['', '&status=DRAFT', '&order=oldest'])!;
    return http.call('list', `/api/packages?limit=25${variant}`, { headers: { cookie: st.headers.cookie } });
  },
  get: async (http, st) => {
    const t = pickFrom(st.packages);
    if (t) await get(http, st, t);
  },
  // Only formData: documents belong to the server (uploads), so a client never sends them.
  update: async (http, st, marker) => {
    const t = pickFrom(st.packages.filter((p) => p.shared));
    if (!t) return;
    const res = await http.call('update', `/api/packages/${t.id}`, {
      method: 'PUT',
      ...json(st.headers, { expectedVersion: t.version, formData: contractOnly(st.programId, marker) }),
    });
    if (res.status === 200) t.updates.push({ version: res.body.version, marker });
    seen(t, res);
    // Someone else changed it first: read it again, as the web client does.
    if (res.status === 409) await get(http, st, t);
  },
  upload: async (http, st, marker) => {
    const t =
      pickFrom(st.packages.filter((p) => p.shared && p.uploadsStarted < UPLOADS_PER_DRAFT)) ??
      (await createDraft(http, st, true, marker));
    if (t) await upload(http, st, t, marker, 'CONTRACT_SUPPORTING');
  },
  submit: async (http, st, marker) => {
    const t = await createDraft(http, st, false, marker);
    if (!t || (await upload(http, st, t, marker, 'CONTRACT')).status !== 201) return;
    if ((await get(http, st, t)).status !== 200) return;
    const res = await http.call('submit', `/api/packages/${t.id}/submit`, {
      method: 'POST',
      ...json(st.headers, { expectedVersion: t.version }),
    });
    if (res.status === 200) t.submitted = true;
    seen(t, res);
  },
};

/** Every operation once, one after another: a warm-up before the clock starts. */
export async function runEachOnce(http: Recorder, st: LoadState) {
  for (const op of Object.keys(MIX) as Op[]) await OPS[op](http, st, `warm-up-${op}`);
}

/** One client: operations picked by MIX, one after another, until `deadline` (performance.now()). */
export async function runClient(http: Recorder, st: LoadState, clientId: number, deadline: number) {
  for (let seq = 0; performance.now() < deadline; seq++) {
    await OPS[pickOp()](http, st, `c${clientId}-${seq}`);
  }
}
