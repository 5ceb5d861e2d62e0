/**
 * A lock shared by every process that writes the app's non-secret files: the desktop app, its
 * browser preview and the command line. proper-lockfile takes it with an atomic mkdir of
 * `<file>.lock`, refreshes it while held and breaks it when its holder died (stale after 10 s).
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'
import { lock } from 'proper-lockfile'

/** Runs `work` while holding the lock for `filePath` (the file itself need not exist). */
export async function withFileLock<T>(filePath: string, work: () => Promise<T>): Promise<T> {
  await mkdir(dirname(filePath), { recursive: true })
  const release = await lock(filePath, {
    realpath: false,
    stale: 10_000,
    // Another process holds it for a few milliseconds at a time: wait up to about 10 s in all.
    retries: { retries: 60, factor: 1.3, minTimeout: 5, maxTimeout: 250 },
    onCompromised: () => undefined // a stale lock taken over by another process: our write still lands atomically
  })
  try {
    return await work()
  } finally {
    await release().catch(() => undefined)
  }
}
