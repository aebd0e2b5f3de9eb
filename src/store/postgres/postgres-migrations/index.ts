import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './0001-initial.js';
import * as revisionProgramsByProgram from './0002-revision-programs-by-program.js';
import * as submittedRevisionChildrenImmutable from './0003-submitted-revision-children-immutable.js';
import * as cmsView from './0004-cms-view.js';
import * as userSessionGeneration from './0005-user-session-generation.js';
import * as reviewFormFields from './0006-review-form-fields.js';
import * as reviewActions from './0007-review-actions.js';
import * as cmsUserDivision from './0008-cms-user-division.js';
import * as questions from './0009-questions.js';
import * as rates from './0010-rates.js';
import * as dataSteps from './0011-data-steps.js';
import * as apiClients from './0012-api-clients.js';
import * as cmsStateAssignments from './0013-cms-state-assignments.js';

/** Every migration, in order. Add new ones at the end; never edit one that has shipped. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-revision-programs-by-program': revisionProgramsByProgram,
  '0003-submitted-revision-children-immutable': submittedRevisionChildrenImmutable,
  '0004-cms-view': cmsView,
  '0005-user-session-generation': userSessionGeneration,
  '0006-review-form-fields': reviewFormFields,
  '0007-review-actions': reviewActions,
  '0008-cms-user-division': cmsUserDivision,
  '0009-questions': questions,
  '0010-rates': rates,
  '0011-data-steps': dataSteps,
  '0012-api-clients': apiClients,
  '0013-cms-state-assignments': cmsStateAssignments,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => MIGRATIONS,
};
