/**
 * The window's own keyboard shortcuts, so they work in the browser preview as well as under the
 * Electron menu (which sends the same commands through `menu.onCommand`).
 */
import { useEffect, useRef } from 'react'
import type { MenuCommand } from '../../../shared/domain'

/** The parts of a KeyboardEvent the matcher looks at (a plain object in unit tests). */
export type ShortcutEvent = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey' | 'target'>

const TEXT_INPUT_TYPES = new Set(['', 'text', 'search', 'email', 'url', 'password', 'tel', 'number', 'date', 'datetime-local', 'month', 'time', 'week'])

/** True when keystrokes go into a field, where a bare "/" must stay a character. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (!target || typeof (target as Element).tagName !== 'string') return false
  const element = target as HTMLElement
  if (element.isContentEditable) return true
  const tag = element.tagName.toLowerCase()
  if (tag === 'textarea' || tag === 'select') return true
  if (tag === 'input') return TEXT_INPUT_TYPES.has(((element as HTMLInputElement).getAttribute('type') ?? '').toLowerCase())
  return false
}

/** A shortcut's command; `index` is the account (0-based) for Ctrl/Cmd+1…9. */
export interface Shortcut {
  command: MenuCommand
  index?: number
}

/**
 * Maps a keydown to a command: Ctrl/Cmd+N → new key, Ctrl/Cmd+F or "/" (outside fields) → find,
 * Ctrl/Cmd+R or F5 → refresh, Ctrl/Cmd+1…9 → the n-th account, Ctrl/Cmd+Shift+A → all accounts,
 * Ctrl/Cmd+Shift+L → the activity log.
 * Anything else → null.
 */
export function matchShortcut(event: ShortcutEvent): Shortcut | null {
  if (event.altKey) return null
  const command = event.ctrlKey || event.metaKey
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key
  if (command && !event.shiftKey) {
    if (key === 'n') return { command: 'new-key' }
    if (key === 'f') return { command: 'find' }
    if (key === 'r') return { command: 'refresh' }
    if (/^[1-9]$/.test(key)) return { command: 'show-account', index: Number(key) - 1 }
    return null
  }
  if (command && event.shiftKey && key === 'a') return { command: 'show-overview' }
  if (command && event.shiftKey && key === 'l') return { command: 'show-activity' }
  if (!command && !event.shiftKey && key === 'F5') return { command: 'refresh' }
  if (!command && key === '/' && !isTypingTarget(event.target)) return { command: 'find' }
  return null
}

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/** "Ctrl+1" on Windows and Linux, "⌘1" on macOS. */
export const shortcutLabel = (key: string): string => (isMac ? `⌘${key.replace('Shift+', '⇧')}` : `Ctrl+${key}`)

/** Listens for the shortcuts on the window while mounted; `run` may change between renders. */
export function useKeyboardShortcuts(run: (shortcut: Shortcut) => void): void {
  const latestRun = useRef(run)
  useEffect(() => {
    latestRun.current = run
  }, [run])
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return
      const shortcut = matchShortcut(event)
      if (!shortcut) return
      // Also stops the browser's own meaning: reload (which would drop state), find bar, new window.
      event.preventDefault()
      latestRun.current(shortcut)
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
}
