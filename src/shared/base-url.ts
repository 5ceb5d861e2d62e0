/**
 * The API base URL rule: https only, except loopback hosts (for the sandbox and local servers),
 * which may use http. Used by the sign-in form and, authoritatively, by main.
 */
export type BaseUrlCheck = { ok: true; url: string } | { ok: false; message: string }

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost'])

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname.toLowerCase())

export function checkBaseUrl(raw: unknown): BaseUrlCheck {
  if (typeof raw !== 'string' || raw.trim() === '') {
    return { ok: false, message: 'Enter the API base URL, for example https://app.autocalls.ai/api.' }
  }
  let url: URL
  try {
    url = new URL(raw.trim())
  } catch {
    return { ok: false, message: `“${truncate(raw.trim())}” is not a valid URL. It should look like https://app.autocalls.ai/api.` }
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, message: `The API base URL must start with https:// (got ${url.protocol}).` }
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return {
      ok: false,
      message: 'The API base URL must use https://. Plain http:// is only allowed for this computer (localhost, 127.0.0.1 or ::1).'
    }
  }
  if (url.username !== '' || url.password !== '') {
    return { ok: false, message: 'The API base URL must not contain a user name or password.' }
  }
  if (url.search !== '' || url.hash !== '') {
    return { ok: false, message: 'The API base URL must not contain a query (?…) or fragment (#…).' }
  }
  // One canonical spelling, so the same server never gets two keychain entries.
  const path = url.pathname.replace(/\/+$/, '')
  return { ok: true, url: `${url.protocol}//${url.host.toLowerCase()}${path}` }
}

const truncate = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}…` : text)
