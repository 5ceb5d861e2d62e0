/**
 * Exports in the desktop app: main shows the native save dialog and writes the file the person
 * chose. The window only asks for an export; it never gets file-system access.
 */
import type { BrowserWindow, Dialog } from 'electron'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SavePort } from '../export/export-service'

export function createSaveDialogPort(deps: { dialog: Pick<Dialog, 'showSaveDialog'>; window: () => BrowserWindow | null; downloadsDir: () => string }): SavePort {
  return {
    async save(file) {
      const options = {
        title: file.format === 'csv' ? 'Export as CSV' : 'Export as JSON',
        defaultPath: join(deps.downloadsDir(), file.suggestedName),
        filters: [file.format === 'csv' ? { name: 'CSV', extensions: ['csv'] } : { name: 'JSON', extensions: ['json'] }]
      }
      const window = deps.window()
      const chosen = window ? await deps.dialog.showSaveDialog(window, options) : await deps.dialog.showSaveDialog(options)
      if (chosen.canceled || !chosen.filePath) return { outcome: 'cancelled' }
      await writeFile(chosen.filePath, file.text, { encoding: 'utf8', mode: 0o600 })
      return { outcome: 'saved', path: chosen.filePath }
    }
  }
}
