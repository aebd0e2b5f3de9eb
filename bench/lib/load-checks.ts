/**
 * After the load: every change the API acknowledged must be visible, through the API, and the
 * names of each state's packages must be unique. Returns the broken invariants and the counts.
 */
import type { Recorder } from './http-recorder.js';
import type { LoadState, Tracked } from './load-mix.js';

export interface CheckCounts {
  packages: number;
  acknowledgedUpdates: number;
  acknowledgedUploads: number;
  acknowledgedSubmits: number;
  lostUpdates: number;
  lostUploads: number;
  lostSubmits: number;
  unreadable: number;
  listed: number;
  duplicateNames: number;
  missingFromList: number;
}

/** Why a package's stored state does not hold what was acknowledged (empty when it does). */
function problemsOf(
  t: Tracked,
  body: {
    status: string;
    revisions: { formData: { submissionDescription: string }; documents: { id: string }[] }[];
  },
) {
  const current = body.revisions[0]!;
  const problems: { kind: 'update' | 'upload' | 'submit'; text: string }[] = [];
  const versions = new Set(t.updates.map((u) => u.version));
  if (versions.size !== t.updates.length)
    problems.push({ kind: 'update', text: `two acknowledged updates produced the same version` });
  const last = t.updates.reduce<Tracked['updates'][number] | undefined>(
    (a, u) => (!a || u.version > a.version ? u : a),
    undefined,
  );
  if (last && current.formData.submissionDescription !== last.marker) {
    problems.push({
      kind: 'update',
      text: `holds "${current.formData.submissionDescription}", not the last acknowledged update "${last.marker}" (version ${last.version})`,
    });
  }
  const stored = new Set(current.documents.map((d) => d.id));
  const lost = t.documents.filter((id) => !stored.has(id));
  if (lost.length > 0) problems.push({ kind: 'upload', text: `misses ${lost.length} acknowledged uploads` });
  if (t.submitted && body.status !== 'SUBMITTED')
    problems.push({ kind: 'submit', text: `is ${body.status} after an acknowledged submit` });
  return problems;
}

/** Every package of the state through the list, page by page: ids and names. */
async function listAll(http: Recorder, st: LoadState) {
  const items: { id: string; name: string }[] = [];
  let cursor: string | undefined;
  do {
    const query = `limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await http.call('verify-list', `/api/packages?${query}`, {
      headers: { cookie: st.headers.cookie },
    });
    if (res.status !== 200) throw new Error(`listing ${st.code} answered ${res.status}`);
    items.push(...(res.body.items as { id: string; name: string }[]));
    cursor = res.body.cursor;
  } while (cursor);
  return items;
}

export async function checkAfterLoad(http: Recorder, states: readonly LoadState[]) {
  const failures: string[] = [];
  const c: CheckCounts = {
    packages: 0,
    acknowledgedUpdates: 0,
    acknowledgedUploads: 0,
    acknowledgedSubmits: 0,
    lostUpdates: 0,
    lostUploads: 0,
    lostSubmits: 0,
    unreadable: 0,
    listed: 0,
    duplicateNames: 0,
    missingFromList: 0,
  };
  for (const st of states) {
    for (const t of st.packages) {
      c.packages++;
      c.acknowledgedUpdates += t.updates.length;
      c.acknowledgedUploads += t.documents.length;
      c.acknowledgedSubmits += t.submitted ? 1 : 0;
      const res = await http.call('verify-get', `/api/packages/${t.id}`, {
        headers: { cookie: st.headers.cookie },
      });
      if (res.status !== 200) {
        c.unreadable++;
        failures.push(`${st.code} package ${t.id}, created with a 201, answers ${res.status}`);
        continue;
      }
      for (const p of problemsOf(t, res.body)) {
        if (p.kind === 'update') c.lostUpdates++;
        if (p.kind === 'upload') c.lostUploads++;
        if (p.kind === 'submit') c.lostSubmits++;
        failures.push(`${st.code} package ${t.id} ${p.text}`);
      }
    }
    const listed = await listAll(http, st);
    c.listed += listed.length;
    const names = listed.map((i) => i.name);
    const duplicates = names.length - new Set(names).size;
    c.duplicateNames += duplicates;
    if (duplicates > 0) failures.push(`${st.code}: ${duplicates} duplicate package names`);
    const listedIds = new Set(listed.map((i) => i.id));
    const missing = st.packages.filter((t) => !listedIds.has(t.id)).length;
    c.missingFromList += missing;
    if (missing > 0) failures.push(`${st.code}: ${missing} packages missing from the state's list`);
  }
  // Checks that saw nothing prove nothing.
  if (c.acknowledgedUpdates === 0)
    failures.push('no update was acknowledged: the lost-update check saw nothing');
  if (c.acknowledgedSubmits === 0)
    failures.push('no submit was acknowledged: the mix did not exercise submit');
  return { failures, counts: c };
}
