/** Links the app may open in the person's browser: https pages of the Autocalls docs and dashboard. */
const ALLOWED_HOSTS = new Set(['docs.autocalls.ai', 'app.autocalls.ai', 'autocalls.ai', 'www.autocalls.ai'])

export function isAllowedExternalUrl(raw: string): boolean {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return false
  }
  return url.protocol === 'https:' && url.username === '' && url.password === '' && ALLOWED_HOSTS.has(url.hostname)
}
