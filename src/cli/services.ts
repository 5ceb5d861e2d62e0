/**
 * The app's own services, built through the same composition root as the desktop app, on the
 * same folder (Electron's userData, or AUTOCALLS_KEYS_USER_DATA_DIR) and the same keychain
 * entries. Loaded only when a command needs them, so `--help` never pays for zod or keytar.
 */
import type { AppServices } from '../main/app-services'
import type { ClipboardPort } from '../main/clipboard/secure-clipboard'
import type { EventSink } from '../main/ipc/event-sink'

/** The command line never copies: a new token goes to standard output, once. */
const NO_CLIPBOARD: ClipboardPort = {
  writeSecret: () => Promise.reject(new Error('The command line does not use the clipboard.')),
  readText: () => Promise.resolve(''),
  clear: () => undefined
}

/**
 * `events` go to the running command only (no window to tell: the desktop app re-reads the
 * shared state file when it needs to). The activity log marks what the command line did as
 * 'cli'. Rotations are not watched in the background: a command ends in seconds, and the ones
 * that need a rotation's state (`keys rotations`, `keys rotate --finish`) fetch the list first.
 */
export async function openServices(env: NodeJS.ProcessEnv, events: EventSink): Promise<AppServices> {
  const [{ createAppServices }, { defaultUserDataDir }] = await Promise.all([import('../main/app-services'), import('../main/storage/user-data-dir')])
  const services = await createAppServices({
    userDataDir: defaultUserDataDir(env),
    clipboard: NO_CLIPBOARD,
    events,
    source: 'cli',
    openExternal: () => Promise.reject(new Error('The command line does not open links.'))
  })
  services.rotations.stop()
  return services
}
