import { FormDataSchema } from '@carepack/domain/form-data.js';
import { validateForSubmit } from '@carepack/domain/validate-submit.js';
import { useQueryClient } from '@tanstack/react-query';
import { Button, ButtonGroup, StepIndicator, StepIndicatorStep } from '@trussworks/react-uswds';
import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { isApiError } from '../api/client.js';
import { useCreatePackage, useLinkRate, useUnlinkRate, useUpdatePackage } from '../api/mutations.js';
import { packageQuery, usePackage, useStateInfo } from '../api/queries.js';
import type { FieldError, FormData, PackageView, User } from '../api/types.js';
import { ErrorSummary } from '../components/error-summary.js';
import { Loading } from '../components/loading.js';
import { Notice } from '../components/notice.js';
import { ProblemAlert } from '../components/problem-alert.js';
import { withLinkedRatesAsShown } from '../form/linked-rates.js';
import { type LoadedVersion, loadedFrom, versionToSend } from '../form/loaded-version.js';
import { errorsOfStep, type StepId, stepsFor } from '../form/steps.js';
import { ContactsStep } from '../steps/contacts-step.js';
import { ContractStep } from '../steps/contract-step.js';
import { DocumentsStep } from '../steps/documents-step.js';
import { RatesStep } from '../steps/rates-step.js';
import { ReviewStep } from '../steps/review-step.js';
import type { RateLinkActions } from '../steps/step-props.js';
import { SubmissionStep } from '../steps/submission-step.js';
import { ErrorPage } from './error-page.js';

/** A new package's form: the domain's defaults (empty lists, no choices made). */
const EMPTY_FORM: FormData = FormDataSchema.parse({ submissionType: 'CONTRACT_ONLY' });

/** New package and edit draft: one step per page, saved on "Continue" and "Save as draft". */
export function PackageEditor({ user }: { user: Extract<User, { role: 'STATE_USER' }> }) {
  const { id, step: stepParam } = useParams();
  const pkgQuery = usePackage(id);
  const state = useStateInfo(user.stateCode);
  if (id && pkgQuery.isPending) return <Loading what="the package" />;
  if (pkgQuery.isError) {
    if (isApiError(pkgQuery.error, 404)) return <ErrorPage kind="not-found" />;
    if (isApiError(pkgQuery.error, 403)) return <ErrorPage kind="forbidden" />;
    return <ProblemAlert error={pkgQuery.error} />;
  }
  if (!state) return <Loading what="your state's programs" />;
  const pkg = pkgQuery.data;
  if (pkg && pkg.status !== 'DRAFT' && pkg.status !== 'UNLOCKED') {
    return (
      <Notice type="info" level="h1" heading={`${pkg.name} is with CMS`} className="margin-top-4">
        Submitted packages cannot be edited unless CMS unlocks them.{' '}
        <Link to={`/packages/${pkg.id}`}>View the package</Link>.
      </Notice>
    );
  }
  return (
    <Editor key={pkg?.id ?? 'new'} pkg={pkg} step={(stepParam ?? 'submission') as StepId} state={state} />
  );
}

function Editor({
  pkg,
  step,
  state,
}: {
  pkg: PackageView | undefined;
  step: StepId;
  state: NonNullable<ReturnType<typeof useStateInfo>>;
}) {
  const navigate = useNavigate();
  const createPackage = useCreatePackage();
  const updatePackage = useUpdatePackage();
  const linkRate = useLinkRate();
  const unlinkRate = useUnlinkRate();
  const client = useQueryClient();
  /** After someone else's change: start again from what is saved now. */
  const loadLatest = async (id: string) => {
    adopt(await client.fetchQuery({ ...packageQuery(id), staleTime: 0 }));
    setFailure(null);
    setShown([]);
  };
  /** The package as the server answered: the form starts from it again. */
  const adopt = (saved: PackageView) => {
    setForm(saved.revisions[0]!.formData);
    setLoaded(loadedFrom(saved));
    setUnsaved(false);
  };
  // The form is the user's while they edit: loaded once per package, never overwritten by refetches.
  const [form, setForm] = useState<FormData>(() => pkg?.revisions[0]?.formData ?? EMPTY_FORM);
  // …and so is the version a save claims to change: the one the form was loaded from, not the live query's.
  const [loaded, setLoaded] = useState<LoadedVersion | undefined>(() => pkg && loadedFrom(pkg));
  const expectedVersion = loaded ? versionToSend(loaded, pkg) : undefined;
  const [shown, setShown] = useState<FieldError[]>([]);
  const [failure, setFailure] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [savedAt, setSavedAt] = useState<string | null>(null);
  /** Changed since the last save (or load). */
  const [unsaved, setUnsaved] = useState(false);
  // Closing the tab or reloading with unsaved changes asks first: nothing typed is lost silently.
  useEffect(() => {
    if (!unsaved) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [unsaved]);
  const update = (patch: Partial<FormData>) => {
    setUnsaved(true);
    setForm((f) => ({ ...f, ...patch }));
  };
  const steps = stepsFor(form);
  const index = Math.max(
    0,
    steps.findIndex((s) => s.id === step),
  );
  const documents = pkg?.revisions[0]?.documents ?? [];
  const ruleErrors = useMemo(
    // Today as the server will see it (UTC), so the form and the submit agree on "in the future".
    () =>
      validateForSubmit(
        { formData: form, documents },
        { programs: state.programs, today: new Date().toISOString().slice(0, 10) },
      ),
    [form, documents, state],
  );

  // A new step starts clean, at the top, with the heading in focus for screen readers.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on step change only
  useEffect(() => {
    setShown([]);
    setFailure(null);
    const target = location.hash ? document.getElementById(location.hash.slice(1)) : null;
    (target ?? document.getElementById('step-heading'))?.focus();
  }, [step]);

  /** Saves when anything changed; answers the saved package (or the loaded one). */
  const save = async (): Promise<PackageView | undefined> => {
    setFailure(null);
    setSaving(true);
    try {
      let saved: PackageView | undefined = pkg;
      if (!pkg) saved = await createPackage.mutateAsync(form);
      else if (unsaved)
        saved = await updatePackage.mutateAsync({
          id: pkg.id,
          expectedVersion: expectedVersion ?? pkg.version,
          formData: withLinkedRatesAsShown(form, pkg),
        });
      setUnsaved(false);
      if (saved) {
        // The next save claims the version this one made.
        if (saved !== pkg) setLoaded(loadedFrom(saved));
        setSavedAt(new Date().toLocaleTimeString('en-US'));
      }
      return saved;
    } catch (e) {
      if (isApiError(e) && e.fieldErrors.length) setShown(e.fieldErrors);
      setFailure(e);
      return undefined;
    } finally {
      setSaving(false);
    }
  };

  const onContinue = async () => {
    const own = errorsOfStep(ruleErrors, step).filter(
      (e) => step === 'documents' || !e.path.endsWith('.documents'),
    );
    // A new package is created only once its first step holds together: a second try would
    // otherwise create a second draft.
    if (!pkg && own.length) {
      setShown(own);
      return;
    }
    const saved = await save();
    if (!saved) return;
    if (own.length) {
      setShown(own);
      return;
    }
    const next = steps[index + 1];
    if (next) navigate(`/packages/${saved.id}/edit/${next.id}`);
  };
  const onSaveDraft = async () => {
    const saved = await save();
    if (saved) navigate('/', { state: { banner: `${saved.name} was saved as a draft.` } });
  };

  /**
   * Linking and unlinking change the package on the server at once: the user's unsaved edits are
   * saved first (nothing typed is lost), then the form is the package the server answered.
   */
  const changeLinks = async (
    loadedPkg: PackageView,
    change: (body: { id: string; expectedVersion: number }) => Promise<PackageView>,
  ) => {
    const saved = unsaved ? await save() : loadedPkg;
    if (!saved) throw new Error('Your other changes on this page could not be saved first (see above).');
    const version = saved === loadedPkg ? (expectedVersion ?? loadedPkg.version) : saved.version;
    adopt(await change({ id: saved.id, expectedVersion: version }));
  };
  const links: RateLinkActions | undefined = pkg && {
    link: (rateId) => changeLinks(pkg, (body) => linkRate.mutateAsync({ ...body, rateId })),
    unlink: (rateId) => changeLinks(pkg, (body) => unlinkRate.mutateAsync({ ...body, rateId })),
    loadLatest: () => loadLatest(pkg.id),
  };

  const current = steps[index]!;
  const props = { form, update, errors: shown, state };
  return (
    <div className="margin-y-3">
      <StepIndicator
        headingLevel="h1"
        headingProps={{ id: 'step-heading', tabIndex: -1 }}
        counters="small"
        className="margin-bottom-2"
        ofText="of"
        stepText="Step"
      >
        {steps.map((s, i) => (
          <StepIndicatorStep
            key={s.id}
            label={s.label}
            status={i < index ? 'complete' : i === index ? 'current' : undefined}
          />
        ))}
      </StepIndicator>
      <p className="usa-hint">
        {pkg ? `${pkg.name} · ${pkg.status === 'UNLOCKED' ? 'unlocked by CMS' : 'draft'}` : 'New submission'}
        {savedAt && ` · saved at ${savedAt}`}
      </p>
      {pkg?.status === 'UNLOCKED' && pkg.unlockInfo && (
        <Notice type="warning" level="h2" heading="CMS unlocked this package" slim>
          Reason: {pkg.unlockInfo.reason}
        </Notice>
      )}
      <ErrorSummary errors={shown} />
      {failure !== null && <ProblemAlert error={failure} heading="Your changes were not saved" />}
      {pkg && isApiError(failure) && failure.code === 'VERSION_CONFLICT' && (
        <Button type="button" outline onClick={() => void loadLatest(pkg.id)}>
          Someone else saved this package meanwhile: load the latest version (replaces your changes on this
          page)
        </Button>
      )}
      <form
        className="usa-form usa-form--large"
        onSubmit={(e) => {
          e.preventDefault();
          void onContinue();
        }}
      >
        {current.id === 'submission' && <SubmissionStep {...props} />}
        {current.id === 'contract' && <ContractStep {...props} />}
        {current.id === 'rates' && <RatesStep {...props} pkg={pkg} links={links} />}
        {current.id === 'contacts' && <ContactsStep {...props} />}
        {current.id === 'documents' && pkg && <DocumentsStep {...props} pkg={pkg} />}
        {current.id === 'review' && pkg && (
          <ReviewStep
            {...props}
            errors={ruleErrors}
            pkg={pkg}
            expectedVersion={expectedVersion ?? pkg.version}
          />
        )}
        <ButtonGroup className="margin-top-4">
          {index > 0 && pkg && (
            <Button
              type="button"
              outline
              onClick={() => navigate(`/packages/${pkg.id}/edit/${steps[index - 1]!.id}`)}
            >
              Back
            </Button>
          )}
          <Button type="button" outline disabled={saving} onClick={() => void onSaveDraft()}>
            Save as draft
          </Button>
          {current.id !== 'review' && (
            <Button type="submit" disabled={saving}>
              Continue
            </Button>
          )}
        </ButtonGroup>
      </form>
    </div>
  );
}
