/**
 * What an export did, in words, and the browser preview's download. In the app main saves the
 * file through its native dialog (the window never touches the file system); the preview has no
 * such dialog, so main hands the content back and the page offers it as a download.
 */
import type { ExportOutcome } from '../../../shared/domain'
import type { Result } from '../../../shared/errors'

/** Offers `content` as a file download (a Blob URL on a temporary `<a download>`). */
export function downloadFile(fileName: string, mimeType: string, content: string): void {
  const url = URL.createObjectURL(new Blob([content], { type: mimeType }))
  const link = document.createElement('a')
  link.href = url
  link.download = fileName
  link.style.display = 'none'
  document.body.append(link)
  try {
    link.click()
  } finally {
    link.remove()
    // After the click has handed the URL to the download; revoking at once can cancel it.
    setTimeout(() => URL.revokeObjectURL(url), 0)
  }
}

/**
 * Completes an export (the download, in the preview) and says how it went: "Saved to …",
 * "Downloaded …", "Could not export: …", or null when the person cancelled the save dialog.
 */
export function finishExport(result: Result<ExportOutcome>): string | null {
  if (!result.ok) return `Could not export: ${result.error.message}`
  const outcome = result.value
  switch (outcome.outcome) {
    case 'saved':
      return `Saved to ${outcome.path}`
    case 'cancelled':
      return null
    case 'download':
      downloadFile(outcome.fileName, outcome.mimeType, outcome.content)
      return `Downloaded ${outcome.fileName}`
  }
}
