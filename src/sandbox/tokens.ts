// Sanctum's personal access token strings: what createToken hands out once, and how it is stored.
import { createHash, randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';

/**
 * The token format: 2 is Sanctum 2.x to 3.2 (`<id>|` + 40 letters and digits); 4 is Sanctum 3.3+
 * and 4.x, whose generateTokenString() appends hash('crc32b') of those 40 characters so secret
 * scanners can recognise a token, after an optional `sanctum.token_prefix`.
 */
export type SanctumVersion = 2 | 4;

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ENTROPY_LENGTH = 40;

/** Str::random(40) equivalent; rejection sampling keeps every character equally likely. */
export function randomSecret(length = ENTROPY_LENGTH): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248) out += ALPHANUMERIC[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** PHP's hash('crc32b', ...): the zlib CRC-32 of the UTF-8 bytes, as 8 lowercase hex digits. */
export function crc32b(text: string): string {
  return crc32(text).toString(16).padStart(8, '0');
}

/**
 * The part of the plain-text token after "<id>|". Sanctum hashes all of it, prefix and checksum
 * included, so the same string also authenticates on its own (without "<id>|").
 */
export function generateTokenString(version: SanctumVersion, prefix = ''): string {
  const entropy = randomSecret();
  return version === 2 ? entropy : `${prefix}${entropy}${crc32b(entropy)}`;
}

export function hashSecret(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}
