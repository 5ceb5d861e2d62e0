/**
 * Registers one `ipcMain.handle` per contract channel. Each first checks that the sender is the
 * app's own window and top frame on the app's origin; only then does the channel's handler (which
 * validates the payload against its schema) see the request.
 */
import { INVOKE_CHANNELS, type InvokeChannel } from '../../shared/ipc-contract'
import type { IpcHandlers } from '../ipc/handlers'
import { checkSender, senderInfoOf, type InvokeEventLike, type TrustPolicy } from './sender-guard'

export interface IpcMainLike<E> {
  handle(channel: string, listener: (event: E, request: unknown) => Promise<unknown>): void
}

export class UntrustedSenderError extends Error {
  constructor(channel: InvokeChannel, reason: string) {
    super(`Refused ${channel}: the call did not come from the Autocalls Keys window (${reason}).`)
    this.name = 'UntrustedSenderError'
  }
}

export function registerIpcHandlers<E extends InvokeEventLike>(
  ipcMain: IpcMainLike<E>,
  handlers: IpcHandlers,
  policy: () => TrustPolicy,
  onRefused?: (channel: InvokeChannel, reason: string) => void
): void {
  for (const channel of INVOKE_CHANNELS) {
    const handler = handlers[channel] as (request: unknown) => Promise<unknown>
    ipcMain.handle(channel, async (event, request) => {
      const verdict = checkSender(senderInfoOf(event), policy())
      if (!verdict.trusted) {
        onRefused?.(channel, verdict.reason)
        // A foreign caller gets no contract answer, just a rejected invoke.
        throw new UntrustedSenderError(channel, verdict.reason)
      }
      return handler(request)
    })
  }
}
