/**
 * Last line of defence against a secret reaching a log or an error message: removes the given
 * secrets and anything shaped like a Sanctum token (`<id>|<40+ letters and digits>`).
 */
const TOKEN_SHAPE = /\d+\|[A-Za-z0-9]{20,}/g

export function redact(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]')
  }
  return out.replace(TOKEN_SHAPE, '[redacted]')
}
