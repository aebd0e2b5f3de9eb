/**
 * A table's header row: a column head per name, and with `action` a last column of buttons whose
 * head only screen readers announce.
 */
export function ColumnHeads({ names, action }: { names: readonly string[]; action?: boolean }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
        {action && (
          <th scope="col">
            <span className="usa-sr-only">Action</span>
          </th>
        )}
      </tr>
    </thead>
  );
}
