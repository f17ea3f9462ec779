import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

export const USERNAME_MAX = 64;
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;

// Letters, digits and . _ - @ + after NFKC: no spaces, no control or format characters.
const USERNAME = /^[\p{L}\p{M}\p{N}._@+-]{3,64}$/u;

/** The form two usernames are compared in: NFKC, then lower case (UTS #39 style folding). */
export function usernameKey(username: string): string {
  return username.normalize('NFKC').toLowerCase();
}

export function usernameProblem(username: string): string | undefined {
  const normalized = username.normalize('NFKC');
  if ([...normalized].length > USERNAME_MAX) return `must be at most ${USERNAME_MAX} characters`;
  if (!USERNAME.test(normalized)) {
    return 'must be 3 to 64 letters, digits or . _ - @ + (no spaces or control characters)';
  }
  return undefined;
}

let common: Set<string> | undefined;

/**
 * The leaked-password list that zxcvbn-ts maintains (49k entries, lower case); only the
 * ones long enough to pass the length rule matter here. Loaded on first use: unpacking it
 * is a tenth of a start, and most starts never set a password.
 */
function commonPasswords(): Set<string> {
  if (common === undefined) {
    const { dictionary } =
      require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
    common = new Set(dictionary['passwords-common'].filter((p) => p.length >= PASSWORD_MIN));
  }
  return common;
}

/** NIST SP 800-63B §5.1.1.2: length 8 to 128, not a known-breached or common one, not the username. */
export function passwordProblem(password: string, username: string): string | undefined {
  const length = [...password].length;
  if (length < PASSWORD_MIN) return `must be at least ${PASSWORD_MIN} characters`;
  if (length > PASSWORD_MAX) return `must be at most ${PASSWORD_MAX} characters`;
  const folded = password.normalize('NFKC').toLowerCase();
  if (folded === usernameKey(username)) return 'must not be the username';
  if (commonPasswords().has(folded))
    return 'is too common: it appears in lists of leaked passwords';
  return undefined;
}
