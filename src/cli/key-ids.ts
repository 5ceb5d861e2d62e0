/** Key ids as `keys list` shows them: whole positive numbers. A wrong one is a usage error that says what was left alone. */
import { usageError } from './cli-error'
import { inert } from './output/inert'

export function parseKeyId(text: string, unchanged: string): number {
  const id = /^\d{1,15}$/.test(text.trim()) ? Number(text.trim()) : NaN
  if (!Number.isSafeInteger(id) || id <= 0) throw usageError(`“${inert(text)}” is not a key id: ids are whole numbers, as \`autocalls-keys keys list\` shows them. ${unchanged}`)
  return id
}
