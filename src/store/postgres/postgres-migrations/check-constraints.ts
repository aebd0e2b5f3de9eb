/**
 * CHECK constraints over the domain's closed lists, for migrations. Values are our own
 * constants, never user input, so inlining them in DDL is safe.
 */
const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ');

/** The condition that the column holds one of `values`, to combine with others in a CHECK. */
export const inList = (column: string, values: readonly string[]) => `${column} IN (${list(values)})`;

/** The column holds one of `values`. */
export const oneOf = (column: string, values: readonly string[]) => `CHECK (${inList(column, values)})`;

/** The array column holds only `values`. */
export const subsetOf = (column: string, values: readonly string[]) =>
  `CHECK (${column} <@ ARRAY[${list(values)}]::text[])`;
