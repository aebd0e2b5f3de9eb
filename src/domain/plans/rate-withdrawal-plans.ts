/**
 * CMS withdrawing rates, and packages that carry rates (the plans of rate-plans.ts that CMS runs
 * on submitted records). A rate is withdrawn from every package carrying it at once: each gets a
 * new submitted revision without it, so what each submitted revision carried still reads back.
 */
import { isCmsLike } from '../access.js';
import { AUDIT_SUMMARIES } from '../audit.js';
import { forbidden, invalidField, invalidTransition } from '../errors.js';
import { MAX_RATE_CERTIFICATIONS } from '../form-data.js';
import { currentRevision, type Package } from '../package.js';
import { lastSubmittedRateRevision, linkedRateIds, type Rate, type RateWithdrawal } from '../rates.js';
import { requireReason } from '../reasons.js';
import { type Actor, actorOf } from '../reference.js';
import { displayStatus } from '../review.js';
import { assertStorableText } from '../text.js';
import {
  ChangeDraft,
  missingFrom,
  newIdOf,
  packageIn,
  packageLabel,
  rateIn,
  rateTransition,
  rateVersionConflict,
  withRateLinks,
  withSubmittedCopy,
} from './rate-change.js';
import type { GraphChange, GraphNeeds, RateGraph } from './rate-graph.js';
import { planUndoWithdrawal, planWithdraw, type ReviewRequest } from './review-plans.js';

type RateRequest = ReviewRequest & { rateId: string };

/** Who, why, status and version of a CMS decision on a rate; the rate and the reason. */
function decideOnRate(graph: RateGraph, request: RateRequest, verb: string, from: (r: Rate) => boolean) {
  assertStorableText(request);
  const rate = rateIn(graph, request.rateId, request.user);
  if (!isCmsLike(request.user)) throw forbidden(`only CMS users ${verb} rate certifications`);
  const reason = requireReason(request.reason, verb);
  if (!from(rate)) throw rateTransition(rate.id, verb, rate.status);
  if (rate.version !== request.expectedVersion)
    throw rateVersionConflict(rate.id, request.expectedVersion, rate.version);
  return { rate, reason, by: actorOf(request.user) };
}

const withdrawal = (
  request: ReviewRequest,
  by: Actor,
  action: RateWithdrawal['action'],
  reason: string,
  packageIds: string[],
): RateWithdrawal => ({ id: newIdOf(request), action, at: request.at, by, reason, packageIds });

/** A package a rate change may not touch: one approved, or unlocked (its draft is the state's). */
function assertSettled(pkg: Package, rateId: string, verb: string) {
  if (pkg.status === 'UNLOCKED' || pkg.reviewStatus === 'APPROVED')
    throw invalidTransition(pkg.id, `${verb} rate ${rateId} of`, displayStatus(pkg.status, pkg.reviewStatus));
}

/**
 * CMS withdraws a rate, with a reason: a rate submitted at least once and not withdrawn. Every
 * package in its `packageIds` whose current revision is submitted gets, in the same change, a
 * new submitted revision (a copy of its current one, documents included, without the link;
 * submitInfo by the CMS user with the reason); refused (409) if any of them is APPROVED or
 * UNLOCKED; a never-submitted draft linking it simply loses the link. The rate records the
 * withdrawal with those packages' ids, status WITHDRAWN, `packageIds` emptied of them. Event
 * WITHDRAW_RATE on each package touched. `expectedVersion` is the rate's.
 */
export function planWithdrawRate(graph: RateGraph, request: RateRequest): GraphChange | GraphNeeds {
  const { rate, reason, by } = decideOnRate(
    graph,
    request,
    'withdraw',
    (r) => r.status !== 'WITHDRAWN' && lastSubmittedRateRevision(r) !== undefined,
  );
  const lacking = missingFrom(graph, { packageIds: rate.packageIds });
  if (lacking) return lacking;
  const carriers = rate.packageIds.flatMap((id) => graph.packages.get(id) ?? []);
  for (const pkg of carriers) assertSettled(pkg, rate.id, 'withdraw');
  const draft = new ChangeDraft(graph, request.at);
  const resent: string[] = [];
  for (const pkg of carriers) {
    const current = currentRevision(pkg);
    const links = current.rateLinks.filter((l) => l.rateId !== rate.id);
    if (current.submitInfo === null) draft.putPackage(withRateLinks(pkg, links, request.at));
    else {
      draft.putPackage(withSubmittedCopy(pkg, links, { at: request.at, by, reason }, newIdOf(request)));
      resent.push(pkg.id);
    }
    draft.event(pkg.id, by, 'WITHDRAW_RATE', (label) => AUDIT_SUMMARIES.withdrawRate(label(rate.id), reason));
  }
  if (carriers.length === 0)
    draft.event(rate.parentPackageId, by, 'WITHDRAW_RATE', (label) =>
      AUDIT_SUMMARIES.withdrawRate(label(rate.id), reason),
    );
  return draft
    .putRate({
      ...rate,
      withdrawals: [withdrawal(request, by, 'WITHDRAW', reason, resent), ...rate.withdrawals],
    })
    .finish();
}

/**
 * CMS undoes a rate's withdrawal: each package the withdrawal took it from that still exists,
 * is submitted (not unlocked) and not APPROVED or WITHDRAWN gets a new submitted revision
 * carrying it again (frozen to its last submitted revision); refused (409) if one of them is
 * unlocked. The rate records the undo with those packages, its status is derived again.
 */
export function planUndoRateWithdrawal(graph: RateGraph, request: RateRequest): GraphChange | GraphNeeds {
  const { rate, reason, by } = decideOnRate(
    graph,
    request,
    'undo the withdrawal of',
    (r) => r.status === 'WITHDRAWN',
  );
  const taken = rate.withdrawals[0]!.packageIds;
  const lacking = missingFrom(graph, { packageIds: taken });
  if (lacking) return lacking;
  const packages = taken.flatMap((id) => graph.packages.get(id) ?? []);
  for (const pkg of packages) {
    if (pkg.status === 'UNLOCKED') assertSettled(pkg, rate.id, 'restore');
  }
  const sent = lastSubmittedRateRevision(rate)!;
  const draft = new ChangeDraft(graph, request.at);
  const back: string[] = [];
  for (const pkg of packages) {
    if (pkg.status === 'DRAFT' || pkg.reviewStatus === 'APPROVED' || pkg.reviewStatus === 'WITHDRAWN')
      continue;
    if (linkedRateIds(pkg).has(rate.id)) continue; // it never left this one
    const links = currentRevision(pkg).rateLinks;
    if (links.length >= MAX_RATE_CERTIFICATIONS)
      throw invalidField(
        'rateId',
        `package ${pkg.id} carries ${MAX_RATE_CERTIFICATIONS} rate certifications already`,
      );
    const restored = [...links, { rateId: rate.id, rateRevision: sent.number }];
    draft
      .putPackage(withSubmittedCopy(pkg, restored, { at: request.at, by, reason }, newIdOf(request)))
      .event(pkg.id, by, 'UNDO_RATE_WITHDRAWAL', (label) =>
        AUDIT_SUMMARIES.undoRateWithdrawal(label(rate.id), reason),
      );
    back.push(pkg.id);
  }
  if (back.length === 0)
    draft.event(rate.parentPackageId, by, 'UNDO_RATE_WITHDRAWAL', (label) =>
      AUDIT_SUMMARIES.undoRateWithdrawal(label(rate.id), reason),
    );
  return draft
    .putRate({
      ...rate,
      withdrawals: [withdrawal(request, by, 'UNDO_WITHDRAWAL', reason, back), ...rate.withdrawals],
    })
    .finish();
}

/** The package's own rates (it is their parent) that it carries, not withdrawn. */
const childRates = (graph: RateGraph, pkg: Package, status: (r: Rate) => boolean) =>
  [...linkedRateIds(pkg)].flatMap((id) => {
    const rate = graph.rates.get(id);
    return rate && rate.parentPackageId === pkg.id && status(rate) ? [rate] : [];
  });

/**
 * CMS withdraws a package (review-plans' `planWithdraw` rules). Each of its child rates that
 * another, not withdrawn, package still carries is re-parented to the one of them submitted
 * first (event REPARENT_RATE on the new parent); a child rate no other package carries is
 * withdrawn with it (a rate withdrawal naming the package). Undo (`planUndoPackageWithdrawal`)
 * brings back the rates withdrawn with it; re-parenting stays.
 *
 * Only a package submitted at least once becomes a parent; a never-submitted draft linking a rate
 * withdrawn with its package loses the link (as when CMS withdraws the rate).
 */
export function planWithdrawPackage(
  graph: RateGraph,
  request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, request.packageId);
  const planned = planWithdraw(pkg, request);
  const lackingRates = missingFrom(graph, { rateIds: [...linkedRateIds(pkg)] });
  if (lackingRates) return lackingRates;
  const children = childRates(graph, pkg, (r) => r.status !== 'WITHDRAWN');
  const others = children.flatMap((r) => r.packageIds.filter((id) => id !== pkg.id));
  const lackingPackages = missingFrom(graph, { packageIds: others });
  if (lackingPackages) return lackingPackages;
  const by = planned.event.actor;
  const reason = planned.after.reviewActions[0]!.reason;
  const draft = new ChangeDraft(graph, request.at)
    .putPackage(planned.after)
    .event(pkg.id, by, planned.event.action, planned.event.summary);
  for (const rate of children) {
    const carriers = rate.packageIds.flatMap((id) => (id === pkg.id ? [] : (graph.packages.get(id) ?? [])));
    const heir = carriers
      .filter((p) => p.initiallySubmittedAt !== null && p.reviewStatus !== 'WITHDRAWN')
      .sort(
        (a, b) =>
          a.initiallySubmittedAt!.localeCompare(b.initiallySubmittedAt!) || a.stateNumber - b.stateNumber,
      )[0];
    if (heir) {
      draft
        .putRate({ ...rate, parentPackageId: heir.id })
        .event(heir.id, by, 'REPARENT_RATE', (label) =>
          AUDIT_SUMMARIES.reparentRate(label(rate.id), packageLabel(pkg)),
        );
      continue;
    }
    for (const d of carriers.filter((p) => p.initiallySubmittedAt === null)) {
      const links = currentRevision(d).rateLinks.filter((l) => l.rateId !== rate.id);
      draft
        .putPackage(withRateLinks(d, links, request.at))
        .event(d.id, by, 'WITHDRAW_RATE', (label) => AUDIT_SUMMARIES.withdrawRate(label(rate.id), reason));
    }
    draft
      .putRate({
        ...rate,
        withdrawals: [withdrawal(request, by, 'WITHDRAW', reason, [pkg.id]), ...rate.withdrawals],
      })
      .event(pkg.id, by, 'WITHDRAW_RATE', (label) => AUDIT_SUMMARIES.withdrawRate(label(rate.id), reason));
  }
  return draft.finish();
}

/** CMS undoes a package's withdrawal (`planUndoWithdrawal` rules); the rates withdrawn with it come back. */
export function planUndoPackageWithdrawal(
  graph: RateGraph,
  request: ReviewRequest & { packageId: string },
): GraphChange | GraphNeeds {
  const pkg = packageIn(graph, request.packageId);
  const planned = planUndoWithdrawal(pkg, request);
  const lacking = missingFrom(graph, { rateIds: [...linkedRateIds(pkg)] });
  if (lacking) return lacking;
  const by = planned.event.actor;
  const reason = planned.after.reviewActions[0]!.reason;
  const draft = new ChangeDraft(graph, request.at)
    .putPackage(planned.after)
    .event(pkg.id, by, planned.event.action, planned.event.summary);
  const withdrawnWithIt = childRates(
    graph,
    pkg,
    (r) => r.status === 'WITHDRAWN' && r.withdrawals[0]!.packageIds.includes(pkg.id),
  );
  for (const rate of withdrawnWithIt) {
    draft
      .putRate({
        ...rate,
        withdrawals: [withdrawal(request, by, 'UNDO_WITHDRAWAL', reason, [pkg.id]), ...rate.withdrawals],
      })
      .event(pkg.id, by, 'UNDO_RATE_WITHDRAWAL', (label) =>
        AUDIT_SUMMARIES.undoRateWithdrawal(label(rate.id), reason),
      );
  }
  return draft.finish();
}
