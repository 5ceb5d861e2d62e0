/**
 * Whole-file writes that a reader (this process, another window, the command line) never sees
 * half done: write a temporary file next to the target, then rename it over the target.
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'

let sequence = 0

/** Writes `text` to `filePath` atomically, readable by its owner only. */
export async function writeFileAtomic(filePath: string, text: string): Promise<void> {
  // Unique per process and per write, so two writers (or two writes in flight) never share a temp file.
  const temp = `${filePath}.${process.pid}.${++sequence}.tmp`
  await mkdir(dirname(filePath), { recursive: true })
  try {
    await writeFile(temp, text, { encoding: 'utf8', mode: 0o600 })
    await rename(temp, filePath)
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined)
    throw error
  }
}
