// The server's rules, checked in the form first so people get instant help.
export const USERNAME_MIN = 3
export const USERNAME_MAX = 32
export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 1024

// Count characters as the server does (Unicode code points, not UTF-16 units).
const length = (s) => [...s].length

export function validateUsername(value) {
  const v = (value || '').trim()
  if (!v) return 'Enter a username.'
  if (length(v) < USERNAME_MIN) return `Usernames have at least ${USERNAME_MIN} characters.`
  if (length(v) > USERNAME_MAX) return `Usernames have at most ${USERNAME_MAX} characters.`
  return ''
}

export function validatePassword(value) {
  const v = value || ''
  if (!v) return 'Enter a password.'
  if (length(v) < PASSWORD_MIN) return `Passwords have at least ${PASSWORD_MIN} characters.`
  if (length(v) > PASSWORD_MAX) return `Passwords have at most ${PASSWORD_MAX} characters.`
  return ''
}
