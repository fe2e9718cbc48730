// The server's rules, checked in the form first so people get instant help.
export const USERNAME_MIN = 3
export const USERNAME_MAX = 32
export const PASSWORD_MIN = 12
export const PASSWORD_MAX = 1024

// The password rule in words, as the forms show it (ASVS 2.1): no
// composition rules; the server also refuses the 30,000 most common passwords.
export const PASSWORD_RULE = `${PASSWORD_MIN} to ${PASSWORD_MAX.toLocaleString('en-US')} characters, any you like (spaces, accents, emoji); not a common password. A few unrelated words make a good one.`

// Count characters as the server does (Unicode code points, not UTF-16 units).
const length = (s) => [...s].length
// …and for the minimum, a run of spaces counts once.
const passwordLength = (s) => length(s.replace(/\s+/gu, ' '))

export function validateUsername(value) {
  const v = (value || '').trim()
  if (!v) return 'Enter a username.'
  if (length(v) < USERNAME_MIN) return `Usernames have at least ${USERNAME_MIN} characters.`
  if (length(v) > USERNAME_MAX) return `Usernames have at most ${USERNAME_MAX} characters.`
  return ''
}

/**
 * A new password against the rule; with { existing: true } (signing in,
 * confirming), only that there is one: passwords set under an older, shorter
 * rule still sign in.
 */
export function validatePassword(value, { existing = false } = {}) {
  const v = value || ''
  if (!v) return 'Enter a password.'
  if (length(v) > PASSWORD_MAX) return `Passwords have at most ${PASSWORD_MAX} characters.`
  if (!existing && passwordLength(v) < PASSWORD_MIN) return `Passwords have at least ${PASSWORD_MIN} characters.`
  return ''
}
