/**
 * The activity log over generated entries: any text in every field (any code point, control
 * characters that JSON escapes to six bytes, very long names) with a token (Sanctum 2, Sanctum 4
 * with a prefix, or the bare secret) spliced in at any place: the secret never reaches the file,
 * every line stays under MAX_LINE_BYTES, and every entry reads back, in order, with its action,
 * outcome and key id intact.
 */
import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { ActivityLog, MAX_LINE_BYTES } from '../../../src/main/storage/activity-log'
import { ACTIVITY_ACTIONS, ACTIVITY_OUTCOMES, type ActivityInput } from '../../../src/shared/activity'
import { writeFuzzCounts, type FuzzCount } from '../support/results'

const counts: FuzzCount[] = []
afterAll(() => writeFuzzCounts('activity-log', counts))

const alnum = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), minLength: 40, maxLength: 40 })
const token = fc.oneof(
  fc.tuple(fc.integer({ min: 1, max: 99999 }), alnum).map(([id, secret]) => ({ text: `${id}|${secret}`, secret })),
  fc.tuple(fc.integer({ min: 1, max: 99999 }), alnum, fc.stringMatching(/^[0-9a-f]{8}$/)).map(([id, secret, sum]) => ({ text: `${id}|ac_${secret}${sum}`, secret })),
  alnum.map((secret) => ({ text: secret, secret }))
)
const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '"', '\\', '\n'), maxLength: 400 }))
/** Text with the token somewhere inside, separated from its neighbours as it would be in a message. */
const withToken = fc.tuple(anyText, token, anyText).map(([before, t, after]) => ({ text: `${before} ${t.text} ${after}`, secret: t.secret }))
const field = fc.oneof(anyText.map((text) => ({ text, secret: null as string | null })), withToken)

const entryCase = fc.record({
  accountId: field,
  accountLabel: field,
  keyName: field,
  detail: field,
  action: fc.constantFrom(...ACTIVITY_ACTIONS),
  outcome: fc.constantFrom(...ACTIVITY_OUTCOMES),
  keyId: fc.option(fc.nat(), { nil: null })
})

describe('activity log (property)', () => {
  it('never writes a token, keeps lines short, reads every entry back', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'autocalls-activity-prop-')), 'activity.jsonl')
    const log = new ActivityLog({ file, maxEntries: 100_000 })
    let written = 0
    const details = await fc.check(
      fc.asyncProperty(fc.array(entryCase, { minLength: 1, maxLength: 5 }), async (cases) => {
        const inputs: ActivityInput[] = cases.map((c) => ({
          accountId: c.accountId.text,
          accountLabel: c.accountLabel.text,
          keyName: c.keyName.text,
          detail: c.detail.text,
          action: c.action,
          outcome: c.outcome,
          keyId: c.keyId
        }))
        const entries = await log.appendMany(inputs)
        written += entries.length
        const text = await readFile(file, 'utf8')
        for (const c of cases) {
          for (const secret of [c.accountId.secret, c.accountLabel.secret, c.keyName.secret, c.detail.secret]) {
            if (secret !== null) expect(text).not.toContain(secret)
          }
        }
        const lines = text.split('\n').filter((line) => line !== '')
        expect(lines).toHaveLength(written)
        for (const line of lines.slice(-entries.length)) expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(MAX_LINE_BYTES)
        const read = await log.read({ limit: entries.length })
        expect(read.damagedLines).toBe(0)
        expect(read.entries.reverse().map((e) => [e.id, e.action, e.outcome, e.keyId])).toEqual(entries.map((e, i) => [e.id, cases[i]!.action, cases[i]!.outcome, cases[i]!.keyId]))
      }),
      { numRuns: 300 }
    )
    counts.push({ file: 'activity-log', property: 'no token, short lines, read back', numRuns: details.numRuns, passed: !details.failed })
    if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? 'activity log property failed')
    expect(details.numRuns).toBe(300)
  }, 60_000)
})
