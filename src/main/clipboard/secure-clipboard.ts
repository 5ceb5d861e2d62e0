/**
 * Copies a secret to the clipboard and clears it after a delay (and on quit), but only while
 * the clipboard still holds what we put there: a person's own later copy is never wiped.
 */
export interface ClipboardPort {
  /** Writes text marked, where the OS allows, as secret so clipboard history skips it. */
  writeSecret(text: string): Promise<void>
  readText(): Promise<string>
  clear(): void | Promise<void>
}

export interface SecureClipboardOptions {
  setTimer?: (callback: () => void, ms: number) => unknown
  clearTimer?: (timer: unknown) => void
}

export class SecureClipboard {
  readonly #port: ClipboardPort
  readonly #setTimer: NonNullable<SecureClipboardOptions['setTimer']>
  readonly #clearTimer: NonNullable<SecureClipboardOptions['clearTimer']>
  #held: string | null = null
  #timer: unknown = null

  constructor(port: ClipboardPort, options: SecureClipboardOptions = {}) {
    this.#port = port
    this.#setTimer =
      options.setTimer ??
      ((callback, ms) => {
        const timer = setTimeout(callback, ms)
        timer.unref?.() // a pending clear must not keep a Node process alive; quit clears anyway
        return timer
      })
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout))
  }

  async copySecret(secret: string, clearAfterSeconds: number): Promise<void> {
    this.#cancelTimer()
    await this.#port.writeSecret(secret)
    this.#held = secret
    this.#timer = this.#setTimer(() => void this.clearIfOurs(), clearAfterSeconds * 1000)
  }

  /** Clears the clipboard if it still holds the secret we wrote; forgets the secret either way. */
  async clearIfOurs(): Promise<void> {
    this.#cancelTimer()
    const held = this.#held
    this.#held = null
    if (held !== null && (await this.#port.readText()) === held) await this.#port.clear()
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clearTimer(this.#timer)
    this.#timer = null
  }
}
