/**
 * The form questions CMS's review triages by (issue 11 §1) and the rate-only program flag.
 * Every column is nullable without a default: NULL is "not answered", as the domain leaves the
 * field absent, so packages drafted before keep reading back exactly as they were written, and
 * adding the columns rewrites no row. Modified provisions (a yes/no answer per provision) are
 * two sets, the provisions answered yes and those answered no: both NULL until the question is
 * asked, never overlapping.
 */
import { type Kysely, sql } from 'kysely';
import {
  CAPITATION_TYPES,
  CONTRACT_EXECUTION_STATUSES,
  MEDICAID_POPULATION_KEYS,
  MODIFIED_PROVISION_KEYS,
  POPULATIONS_COVERED,
} from '../../../domain/index.js';
import { oneOf, subsetOf } from './check-constraints.js';

const UP = [
  'ALTER TABLE programs ADD COLUMN is_rate_program boolean',
  `ALTER TABLE revisions
    ADD COLUMN population_covered text ${oneOf('population_covered', POPULATIONS_COVERED)},
    ADD COLUMN risk_based_contract boolean,
    ADD COLUMN contract_execution_status text ${oneOf('contract_execution_status', CONTRACT_EXECUTION_STATUSES)},
    ADD COLUMN dsnp_contract boolean,
    ADD COLUMN modified_provisions text[] ${subsetOf('modified_provisions', MODIFIED_PROVISION_KEYS)},
    ADD COLUMN unmodified_provisions text[] ${subsetOf('unmodified_provisions', MODIFIED_PROVISION_KEYS)},
    ADD CONSTRAINT revisions_provisions_answered_together
      CHECK ((modified_provisions IS NULL) = (unmodified_provisions IS NULL)),
    ADD CONSTRAINT revisions_provisions_answered_once
      CHECK (NOT (modified_provisions && unmodified_provisions))`,
  `ALTER TABLE rate_certifications
    ADD COLUMN capitation_type text ${oneOf('capitation_type', CAPITATION_TYPES)},
    ADD COLUMN medicaid_populations text[] ${subsetOf('medicaid_populations', MEDICAID_POPULATION_KEYS)}`,
];

const DOWN = [
  `ALTER TABLE rate_certifications DROP COLUMN IF EXISTS medicaid_populations,
    DROP COLUMN IF EXISTS capitation_type`,
  `ALTER TABLE revisions DROP COLUMN IF EXISTS unmodified_provisions, DROP COLUMN IF EXISTS modified_provisions,
    DROP COLUMN IF EXISTS dsnp_contract, DROP COLUMN IF EXISTS contract_execution_status,
    DROP COLUMN IF EXISTS risk_based_contract, DROP COLUMN IF EXISTS population_covered`,
  'ALTER TABLE programs DROP COLUMN IF EXISTS is_rate_program',
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of UP) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of DOWN) await sql.raw(statement).execute(db);
}
