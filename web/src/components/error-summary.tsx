import { useEffect, useRef } from 'react';
import type { FieldError } from '../api/types.js';
import { fieldId } from '../form/fields.js';
import { Notice } from './notice.js';

/**
 * USWDS error summary: a heading, one link per problem to its field, and focus moved here
 * when it appears so screen-reader users hear it.
 */
export function ErrorSummary({ errors, heading }: { errors: readonly FieldError[]; heading?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors.length > 0) ref.current?.focus();
  }, [errors]);
  if (errors.length === 0) return null;
  return (
    <div ref={ref} tabIndex={-1} data-testid="error-summary">
      <Notice
        type="error"
        level="h2"
        heading={
          heading ?? `There ${errors.length === 1 ? 'is 1 problem' : `are ${errors.length} problems`} to fix`
        }
      >
        <ul className="usa-list">
          {errors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              <a href={`#${fieldId(e.path)}`}>{e.message}</a>
            </li>
          ))}
        </ul>
      </Notice>
    </div>
  );
}
