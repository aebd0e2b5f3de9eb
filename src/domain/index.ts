export * from './access.js';
export * from './audit.js';
export * from './document.js';
export * from './document-changes.js';
export * from './errors.js';
export * from './form-data.js';
export * from './ids.js';
export * from './naming.js';
export * from './package.js';
export * as lifecycle from './plans/lifecycle.js';
export {
  INITIAL_SUBMISSION_REASON,
  type NewPackagePlan,
  parseDocuments,
  parseFormData,
  type Step,
  type VersionedStep,
} from './plans/lifecycle.js';
export * from './plans/package-change.js';
export * from './plans/user-plans.js';
export * from './reasons.js';
export * from './reference.js';
export * from './text.js';
export * from './validate-submit.js';
