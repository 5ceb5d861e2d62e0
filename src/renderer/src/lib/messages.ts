/** Sentences the UI contract fixes word for word (tests and the e2e suite look for them). */
export const MESSAGES = {
  unauthenticated:
    'That API key was not accepted. Check that you copied the whole key, and that it has not been deleted.',
  copyOnceWarning: 'This key will not be shown again.',
  confirmBeforeClosing: 'Confirm that you saved the key before closing.',
  ownKeyWarning: 'This is the key Autocalls Keys signs in with. Deleting it signs the app out.'
} as const

/** "Copied. The clipboard will be cleared in N seconds." */
export const copiedMessage = (seconds: number): string => `Copied. The clipboard will be cleared in ${seconds} seconds.`

/** "Delete “name” (ID 7)? …" */
export const deleteQuestion = (name: string, id: number): string =>
  `Delete “${name}” (ID ${id})? Anything using this key loses access at once. This cannot be undone.`

/** "No keys match “filter”" */
export const noMatchMessage = (filter: string): string => `No keys match “${filter}”`
