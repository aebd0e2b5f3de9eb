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
