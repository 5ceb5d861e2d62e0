/**
 * When the app may look for updates by itself: at most once a day, never in development (an
 * unpackaged app has no app-update.yml and nothing to replace) and never in sandbox-only mode
 * (a demo or a test run must not talk to the release server). The time of the last check is kept
 * in a small non-secret file in userData.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from '../storage/atomic-file'

export const QUIET_CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000
/** After start-up, so the first paint and the first list never wait on it. */
export const QUIET_CHECK_DELAY_MS = 30_000
/** How often a long-running app asks itself whether a day has passed. */
export const QUIET_CHECK_POLL_MS = 60 * 60 * 1000
export const UPDATE_CHECK_FILE_NAME = 'update-check.json'

export type UpdatesDisabledReason = 'development' | 'sandbox'

export function updatesDisabledReason(options: { isPackaged: boolean; sandboxOnly: boolean }): UpdatesDisabledReason | null {
  if (!options.isPackaged) return 'development'
  if (options.sandboxOnly) return 'sandbox'
  return null
}

export const DISABLED_MESSAGES: Readonly<Record<UpdatesDisabledReason, string>> = Object.freeze({
  development: 'Updates are checked only in the installed app, not in a development build.',
  sandbox: 'Updates are not checked while the app runs in sandbox-only mode.'
})

/** Due when there was no check yet, a day has passed, or the clock went back past the last one. */
export function isQuietCheckDue(lastCheckAt: Date | null, now: Date): boolean {
  if (lastCheckAt === null) return true
  const elapsed = now.getTime() - lastCheckAt.getTime()
  return elapsed >= QUIET_CHECK_INTERVAL_MS || elapsed < 0
}

/** `update-check.json` in userData: `{"lastCheckAt": ISO time}`. A missing or unreadable file means never. */
export class UpdateCheckStamp {
  readonly file: string

  constructor(userDataDir: string) {
    this.file = join(userDataDir, UPDATE_CHECK_FILE_NAME)
  }

  async lastCheckAt(): Promise<Date | null> {
    try {
      const parsed = JSON.parse(await readFile(this.file, 'utf8')) as { lastCheckAt?: unknown }
      if (typeof parsed.lastCheckAt !== 'string') return null
      const at = new Date(parsed.lastCheckAt)
      return Number.isNaN(at.getTime()) ? null : at
    } catch {
      return null
    }
  }

  async record(at: Date): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify({ lastCheckAt: at.toISOString() })}\n`)
  }
}
