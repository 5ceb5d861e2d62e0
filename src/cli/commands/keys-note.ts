/**
 * `autocalls-keys keys note <id> [TEXT]`: a key's note and review date, kept on this computer in
 * the state file the app shares, written through the app's notes service (the same rules and
 * messages as the window, recorded in the activity log as the command line's). Without TEXT,
 * --review-by or --clear it prints the note; only what is given changes (TEXT keeps the review
 * date, --review-by keeps the text); `-` as TEXT reads the note from standard input.
 */
import type { StoredKeyNote } from '../../shared/key-notes'
import { checkKeyNote } from '../../shared/key-notes'
import { calendarDateIn } from '../../shared/dates'
import { isReviewDue } from '../../shared/key-hygiene'
import { UserFacingError } from '../../main/services/app-error'
import { CliError, usageError } from '../cli-error'
import type { CommandRun } from '../command-spec'
import type { ChosenAccount, CommandContext } from '../context'
import { readAll } from '../io'
import { parseKeyId } from '../key-ids'
import { jsonDocument } from '../output/json'
import { inert, inertText } from '../output/inert'
import { renderTable } from '../output/table'

const NOTHING_CHANGED = 'Nothing was changed.'
/** Far above the 1,000 characters a note may have: a bigger input is refused without reading it all. */
const MAX_INPUT = 64 * 1024

interface NoteJson {
  note: string
  reviewBy: string | null
  reviewDue: boolean
  updatedAt: string
}

const noteJson = (note: StoredKeyNote | null, today: string): NoteJson | null =>
  note === null ? null : { note: note.note, reviewBy: note.reviewBy, reviewDue: isReviewDue(note.reviewBy, today), updatedAt: note.updatedAt }

export const run: CommandRun = async (ctx, { args, options }) => {
  const id = parseKeyId(String(args[0]), NOTHING_CHANGED)
  const rawText = typeof args[1] === 'string' ? args[1] : undefined
  const reviewBy = typeof options['reviewBy'] === 'string' ? options['reviewBy'] : undefined
  const clear = options['clear'] === true
  if (clear && (rawText !== undefined || reviewBy !== undefined)) {
    throw usageError(`--clear removes the note and its review date: give it no text and no --review-by. ${NOTHING_CHANGED}`)
  }
  if (rawText === undefined && reviewBy === undefined && !clear) return show(ctx, id)

  const text = rawText === '-' ? await noteFromStdin(ctx) : rawText
  const chosen = await ctx.chosenAccount()
  const { notes } = await ctx.services()
  const accountId = chosen.view.id
  const current = notes.of(accountId)[String(id)] ?? null
  const wanted = clear ? { note: '', reviewBy: null } : { note: text ?? current?.note ?? '', reviewBy: reviewBy ?? current?.reviewBy ?? null }
  // The app's own check, before any request: a note that is refused costs no network and changes nothing.
  const checked = checkKeyNote(wanted)
  if (!checked.ok) {
    const message = Object.values(checked.fieldErrors).flat()[0] ?? 'The note could not be saved.'
    throw new UserFacingError('validation', message, checked.fieldErrors)
  }
  if (clear && current === null) {
    await ctx.say(`Key #${id} has no note in ${chosen.label}: nothing to remove.`)
    if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, key: { id, name: null }, note: null }))
    return
  }
  const key = await keyOf(ctx, chosen, id)
  await ctx.actingOn(chosen)
  const stored = await notes.set(accountId, key, wanted)
  const today = calendarDateIn(ctx.now())
  const what = `key #${id} “${inert(key.name)}”`
  if (stored === null) await ctx.say(`Removed the note on ${what}.`)
  else await ctx.say(`Saved the note on ${what}${stored.reviewBy ? `, review by ${stored.reviewBy}${isReviewDue(stored.reviewBy, today) ? ' (due)' : ''}` : ''}.`)
  if (ctx.json) await ctx.io.stdout.write(jsonDocument({ account: chosen.json, key, note: noteJson(stored, today) }))
}

/** The note alone to a pipe (`NOTE="$(autocalls-keys keys note 12)"`); a labelled block on a terminal; JSON with --json. */
async function show(ctx: CommandContext, id: number): Promise<void> {
  const chosen = await ctx.chosenAccount()
  const { notes, keys } = await ctx.services()
  const note = notes.of(chosen.view.id)[String(id)] ?? null
  const name = (await keys.cached(chosen.view.id))?.keys.find((key) => key.id === id)?.name ?? null
  const today = calendarDateIn(ctx.now())
  if (ctx.json) {
    await ctx.io.stdout.write(jsonDocument({ account: chosen.json, key: { id, name }, note: noteJson(note, today) }))
    return
  }
  if (note === null) {
    await ctx.say(`Key #${id} has no note in ${chosen.label}.`)
    return
  }
  if (!ctx.io.stdout.isTTY) {
    await ctx.io.stdout.write(note.note === '' ? '' : `${note.note}\n`)
    if (note.reviewBy) await ctx.say(`Review by ${note.reviewBy}${isReviewDue(note.reviewBy, today) ? ' (due)' : ''}.`)
    return
  }
  const rows = [['Key', `#${id}${name === null ? '' : ` “${inert(name)}”`}`], ['Account', chosen.label]]
  if (note.reviewBy) rows.push(['Review by', `${note.reviewBy}${isReviewDue(note.reviewBy, today) ? ' (due)' : ''}`])
  rows.push(['Updated', note.updatedAt])
  const block = renderTable([{ header: '' }, { header: '' }], rows).split('\n').slice(1).join('\n')
  await ctx.io.stdout.write(`${block}${note.note === '' ? '' : `\n${inertText(note.note)}\n`}`)
}

/** The key a note is set on must be one of the account's: the last list, else a fresh one. */
async function keyOf(ctx: CommandContext, chosen: ChosenAccount, id: number): Promise<{ id: number; name: string }> {
  const { keys } = await ctx.services()
  const cached = (await keys.cached(chosen.view.id))?.keys.find((key) => key.id === id)
  if (cached) return { id, name: cached.name }
  const listed = (await keys.list(chosen.view.id)).keys.find((key) => key.id === id)
  if (listed) return { id, name: listed.name }
  throw new CliError('not_found', `${chosen.label} has no key #${id} (see \`autocalls-keys keys list\`). ${NOTHING_CHANGED}`)
}

async function noteFromStdin(ctx: CommandContext): Promise<string> {
  if (ctx.io.stdin.isTTY) throw usageError(`“-” reads the note from standard input, but that is a terminal here: pipe the note in, or give it as an argument. ${NOTHING_CHANGED}`)
  const text = await readAll(ctx.io.stdin, MAX_INPUT)
  if (text.length > MAX_INPUT) throw usageError(`Standard input holds far more than a note may have (1,000 characters). ${NOTHING_CHANGED}`)
  return text
}
