/**
 * The Content-Security-Policy sent with every app:// response (the protocol handler adds it;
 * nothing else serves the packaged renderer). The renderer makes no network calls of its own:
 * everything goes through the preload's IPC bridge, so `connect-src` is 'none'.
 */

/** Directive → sources. Frozen so a test and the header cannot drift apart. */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'none'"],
  // Only the bundled scripts: no inline script, no eval, no remote origin.
  'script-src': ["'self'"],
  // Vite emits CSS as files; React's style props go through the CSSOM, which CSP does not block.
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'none'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
  'frame-src': ["'none'"],
  'worker-src': ["'none'"],
  'manifest-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"]
})

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ')

/** Headers on every app:// response, errors included. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  // A file served with the wrong type is refused instead of sniffed into a script.
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin'
})
