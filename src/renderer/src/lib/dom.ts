/** Element ids shared between components that must find each other (shortcuts, focus return). */
export const FILTER_INPUT_ID = 'key-filter'
export const KEY_TABLE_ID = 'key-table'
export const NEW_KEY_BUTTON_ID = 'new-key-button'

/** Moves focus to the filter and selects its text, as Ctrl+F does in a browser. */
export function focusFilter(): void {
  const input = document.getElementById(FILTER_INPUT_ID)
  if (input instanceof HTMLInputElement) {
    input.focus()
    input.select()
  }
}

/** True while any modal dialog is open: shortcuts that open or focus things wait for it to close. */
export const isModalOpen = (): boolean => document.querySelector('dialog[open]') !== null

/** Where focus goes when a dialog closes and the control that opened it is gone (a deleted row). */
export function focusFallback(): void {
  for (const id of [KEY_TABLE_ID, NEW_KEY_BUTTON_ID]) {
    const element = document.getElementById(id)
    if (element) {
      element.focus()
      return
    }
  }
}

/**
 * Runs `work` in the frame after the next one (at once where there are no frames): what the
 * person waits for is painted first, and work they cannot see yet follows, in its own frame.
 */
export function afterNextPaint(work: () => void): void {
  if (typeof requestAnimationFrame !== 'function') return work()
  requestAnimationFrame(() => requestAnimationFrame(work))
}
