/**
 * The connected records a rate plan reads and writes: packages and rates of one state. A rate
 * plan is a pure function from a graph as read to the records after and their audit events (or
 * a request to read more first). A store reads the graph, runs the plan, and writes every changed
 * record at once — all or nothing — only if every record it read is still at the version read
 * (see `Store.changeGraph`). So a link never lands on a rate being withdrawn, and both sides of
 * every link change together.
 */
import type { AuditAction } from '../audit.js';
import type { Package } from '../package.js';
import type { Rate } from '../rates.js';
import type { Actor } from '../reference.js';

/** Records by id as read; an id asked for but not found is simply absent. */
export interface RateGraph {
  packages: ReadonlyMap<string, Package>;
  rates: ReadonlyMap<string, Rate>;
  /**
   * Ids the store read and did not find, so a plan knows they do not exist and does not ask for
   * them again (a store that leaves this out makes such a plan ask until the rounds run out).
   */
  absent?: GraphRead;
}

/** Which records to read. */
export interface GraphRead {
  packageIds?: readonly string[];
  rateIds?: readonly string[];
}

/**
 * A plan that needs records it was not given (the packages carrying a rate, the rates of a
 * package) asks for them; the store adds them to the graph and plans again (bounded).
 */
export interface GraphNeeds {
  needs: GraphRead;
}

/** One audit event, on the package it concerns (rate changes are recorded on each package they touch). */
export interface GraphEvent {
  packageId: string;
  actor: Actor;
  action: AuditAction;
  summary: string;
  at: string;
}

/**
 * The records a plan writes. Each changed record comes one version on from the one read. A new
 * rate (absent from the graph) has version 1 and `stateRateNumber` 0: the store allocates its
 * per-state number (atomic, never reused; a change that then fails leaves a gap) and writes
 * `withRateNumbers(numbers)` instead — the same change with the numbers in the rates and events.
 */
export interface GraphChange {
  packages: Package[];
  rates: Rate[];
  /** Never-submitted drafts deleted (with their never-submitted child rates). */
  deletedPackageIds: string[];
  /** Never-submitted rates deleted (removed from their draft parent, or with it). */
  deletedRateIds: string[];
  events: GraphEvent[];
  /** Present when the change creates rates. */
  withRateNumbers?(numbers: ReadonlyMap<string, number>): GraphChange;
}

/** What a graph change wrote: the records after (new rates numbered) and nothing else. */
export interface GraphResult {
  before: RateGraph;
  packages: Package[];
  rates: Rate[];
  deletedPackageIds: string[];
  deletedRateIds: string[];
}

/** Most records one change may read: every package carrying a rate (10), plus their rates. */
export const MAX_GRAPH_PACKAGES = 25;
export const MAX_GRAPH_RATES = 50;

export const isGraphNeeds = (x: GraphChange | GraphNeeds): x is GraphNeeds => 'needs' in x;
