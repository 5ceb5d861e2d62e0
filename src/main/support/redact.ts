/**
 * Last line of defence against a secret reaching a log or an error message: removes the given
 * secrets and anything shaped like a Sanctum token: `<id>|` then the secret (40 letters and
 * digits, plus Sanctum 4's 8-hex checksum, after an optional configured prefix such as `ac_`),
 * and the secret part alone, which Sanctum also accepts.
 */
const TOKEN_SHAPE = /\d+\|[A-Za-z0-9_-]{20,}|\b[A-Za-z0-9]{40}(?:[0-9a-f]{8})?\b/g

export function redact(text: string, secrets: ReadonlyArray<string | null | undefined> = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join('[redacted]')
  }
  return out.replace(TOKEN_SHAPE, '[redacted]')
}
