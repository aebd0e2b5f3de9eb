/** Only paths of this site: anything else would make the sign-in page an open redirect. */
export function safeReturnTo(value: string | null): string {
  return value?.startsWith('/') && !value.startsWith('//') ? value : '/';
}
