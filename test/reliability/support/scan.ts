/**
 * Looks for secrets in files and text: every regular file under a folder, byte by byte, in UTF-8
 * and UTF-16LE (Chromium keeps some strings as UTF-16), so a secret cannot hide in an encoding.
 */
import { lstat, readdir, readFile } from 'node:fs/promises'
import { join, relative } from 'node:path'

export interface Needle {
  label: string
  value: string
}

export interface ScanHit {
  label: string
  where: string
  encoding: 'utf8' | 'utf16le'
}

export interface TreeScan {
  files: number
  bytes: number
  hits: ScanHit[]
  /** Relative paths of every file scanned (for reports and debugging). */
  paths: string[]
}

/** The part of a Sanctum token that is secret (after `<id>|`); the id alone is not. */
export const secretPart = (token: string): string => (token.includes('|') ? token.slice(token.indexOf('|') + 1) : token)

const encodings = (value: string) =>
  [
    ['utf8', Buffer.from(value, 'utf8')],
    ['utf16le', Buffer.from(value, 'utf16le')]
  ] as const

export function scanBuffer(buffer: Buffer, where: string, needles: Needle[]): ScanHit[] {
  const hits: ScanHit[] = []
  for (const needle of needles) {
    for (const [encoding, bytes] of encodings(needle.value)) {
      if (bytes.length > 0 && buffer.includes(bytes)) hits.push({ label: needle.label, where, encoding })
    }
  }
  return hits
}

export function scanText(text: string, where: string, needles: Needle[]): ScanHit[] {
  return needles.filter((needle) => needle.value !== '' && text.includes(needle.value)).map((needle) => ({ label: needle.label, where, encoding: 'utf8' as const }))
}

export async function scanTree(root: string, needles: Needle[]): Promise<TreeScan> {
  const result: TreeScan = { files: 0, bytes: 0, hits: [], paths: [] }
  async function visit(path: string): Promise<void> {
    let info
    try {
      info = await lstat(path)
    } catch {
      return // removed while we looked (a browser's temp file)
    }
    if (info.isDirectory()) {
      let entries: string[]
      try {
        entries = await readdir(path)
      } catch {
        return
      }
      for (const entry of entries) await visit(join(path, entry))
      return
    }
    if (!info.isFile()) return // sockets, fifos, symlinks
    let content: Buffer
    try {
      content = await readFile(path)
    } catch {
      return
    }
    result.files++
    result.bytes += content.length
    const where = relative(root, path)
    result.paths.push(where)
    result.hits.push(...scanBuffer(content, where, needles))
  }
  await visit(root)
  return result
}
