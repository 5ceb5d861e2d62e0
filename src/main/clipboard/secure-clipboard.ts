/**
 * Copies a secret to the clipboard and clears it after a delay (and on quit), but only while
 * the clipboard still holds what we put there: a person's own later copy is never wiped.
 */
export interface ClipboardPort {
  /** Writes text marked, where the OS allows, as secret so clipboard history skips it. */
  writeSecret(text: string): void
  readText(): string
  clear(): void
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
    this.#setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms))
    this.#clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer as NodeJS.Timeout))
  }

  copySecret(secret: string, clearAfterSeconds: number): void {
    this.#cancelTimer()
    this.#port.writeSecret(secret)
    this.#held = secret
    this.#timer = this.#setTimer(() => this.clearIfOurs(), clearAfterSeconds * 1000)
  }

  /** Clears the clipboard if it still holds the secret we wrote; forgets the secret either way. */
  clearIfOurs(): void {
    this.#cancelTimer()
    if (this.#held !== null && this.#port.readText() === this.#held) this.#port.clear()
    this.#held = null
  }

  #cancelTimer(): void {
    if (this.#timer !== null) this.#clearTimer(this.#timer)
    this.#timer = null
  }
}
