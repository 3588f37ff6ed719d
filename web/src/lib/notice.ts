/** A message for the sign-in page, kept across the redirect that signing out causes. */
const KEY = "firelater.notice";

export function setLoginNotice(text: string): void {
  try {
    sessionStorage.setItem(KEY, text);
  } catch {
    // Private mode: the sign-in page shows no message.
  }
}

/** The waiting message, if any. */
export function peekLoginNotice(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

/** Forgets the message once shown. */
export function clearLoginNotice(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // Nothing kept.
  }
}
