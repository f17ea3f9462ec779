/**
 * An Authorization header's `scheme credentials` (RFC 9110 §11.4), split at the first run
 * of spaces after trimming; the credentials are undefined when there is no space.
 */
export function schemeAndCredentials(header: string): [string, string | undefined] {
  const trimmed = header.trim();
  const space = trimmed.indexOf(' ');
  if (space === -1) return [trimmed, undefined];
  let start = space + 1;
  while (trimmed.charCodeAt(start) === 0x20) start++;
  return [trimmed.slice(0, space), trimmed.slice(start)];
}
