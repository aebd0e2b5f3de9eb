import type { FieldError, FormData, PackageView, State } from '../api/types.js';

export interface StepProps {
  form: FormData;
  update: (patch: Partial<FormData>) => void;
  errors: readonly FieldError[];
  state: State;
}

export interface PackageStepProps extends StepProps {
  pkg: PackageView;
}

/** What the rates step does to the package's links at once (each a change of its own on the server). */
export interface RateLinkActions {
  link: (rateId: string) => Promise<void>;
  unlink: (rateId: string) => Promise<void>;
  /** After a conflict: the package as saved now replaces the form. */
  loadLatest: () => Promise<void>;
}
