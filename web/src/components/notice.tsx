import { Alert, AlertHeading } from '@trussworks/react-uswds';
import type { ComponentProps, ReactNode } from 'react';

type HeadingLevel = 'h1' | 'h2' | 'h3' | 'h4';

/** A USWDS alert with a heading; the body is a block so it may hold lists. */
export function Notice({
  heading,
  level = 'h2',
  children,
  ...rest
}: { heading: ReactNode; level?: HeadingLevel; children?: ReactNode } & Omit<
  ComponentProps<typeof Alert>,
  'children'
>) {
  return (
    <Alert {...rest}>
      <AlertHeading level={level}>{heading}</AlertHeading>
      <div className="usa-alert__text">{children}</div>
    </Alert>
  );
}
