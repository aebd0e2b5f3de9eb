export function Loading({ what }: { what: string }) {
  return (
    <p className="usa-prose" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}
