/**
 * Keeps every web contents on the app: window.open is always denied, navigation away from the
 * app's origin is blocked, <webview> cannot attach. An allowlisted https link (Autocalls docs and
 * dashboard) that the page tried to open is handed to the default browser instead.
 */
import { isAllowedExternalUrl } from '../security/external-links'
import { originOf } from './app-identity'

export type NavigationDecision = 'allow' | 'open-external' | 'block'

/** Navigation inside the app's own origin is allowed; anything else never happens in the window. */
export function decideNavigation(url: string, allowedOrigins: readonly string[]): NavigationDecision {
  const origin = originOf(url)
  if (origin !== null && allowedOrigins.includes(origin)) return 'allow'
  return isAllowedExternalUrl(url) ? 'open-external' : 'block'
}

/** A new window is never opened; an allowlisted link goes to the browser. */
export function decideWindowOpen(url: string): 'open-external' | 'block' {
  return isAllowedExternalUrl(url) ? 'open-external' : 'block'
}

export interface NavigationPolicy {
  allowedOrigins: readonly string[]
  /** Opens an allowlisted URL in the default browser (the caller re-checks the allowlist). */
  openAllowlistedLink: (url: string) => void
  onBlocked?: (what: string, url: string) => void
}

interface PreventableEvent {
  preventDefault(): void
  url?: string
}

/** The parts of Electron's WebContents this module uses. */
export interface HardenableWebContents {
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: PreventableEvent, url?: string) => void): unknown
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown
}

export function hardenWebContents(contents: HardenableWebContents, policy: NavigationPolicy): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-external') policy.openAllowlistedLink(url)
    else policy.onBlocked?.('window.open', url)
    return { action: 'deny' }
  })

  const guard = (what: string) => (event: PreventableEvent, legacyUrl?: string) => {
    const url = event.url ?? legacyUrl ?? ''
    const decision = decideNavigation(url, policy.allowedOrigins)
    if (decision === 'allow') return
    event.preventDefault()
    if (decision === 'open-external') policy.openAllowlistedLink(url)
    else policy.onBlocked?.(what, url)
  }
  contents.on('will-navigate', guard('navigation'))
  contents.on('will-frame-navigate', guard('frame navigation'))
  contents.on('will-redirect', guard('redirect'))
  contents.on('will-attach-webview', (event) => {
    event.preventDefault()
    policy.onBlocked?.('webview', '')
  })
}
