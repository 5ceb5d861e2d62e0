/**
 * A key's note (purpose, owner, where it is used) and optional review-by date, kept on this
 * computer. Checked with the same rules main applies (checkKeyNote) before anything is sent; an
 * empty note with no date removes it.
 */
import { useCallback, useId, useRef, useState, type FormEvent } from 'react'
import { accountLabel } from '../../../shared/domain'
import { checkKeyNote, KEY_NOTE_MAX_LENGTH, type KeyNoteFieldErrors, type KeyNoteInput } from '../../../shared/key-notes'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

/** Counted as the rule counts: code points, after line ends become `\n` and the ends are trimmed. */
const noteLength = (text: string): number => {
  let count = 0
  for (const _ of text.replace(/\r\n?/g, '\n').trim()) count++
  return count
}

const thousands = (n: number): string => n.toLocaleString('en-US')

export function NotesDialog({ accountId, keyId }: { accountId: string; keyId: number }) {
  const account = useApp((state) => state.accounts.find((candidate) => candidate.id === accountId))
  const apiKey = useApp((state) => state.lists[accountId]?.items?.find((key) => key.id === keyId))
  const stored = useApp((state) => state.lists[accountId]?.notes[String(keyId)])
  const setNote = useApp((state) => state.setNote)
  const closeDialog = useApp((state) => state.closeDialog)
  const [note, setNoteText] = useState(stored?.note ?? '')
  const [reviewBy, setReviewBy] = useState(stored?.reviewBy ?? '')
  const [errors, setErrors] = useState<KeyNoteFieldErrors>({})
  const [alert, setAlert] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const inFlight = useRef(false)
  const noteRef = useRef<HTMLTextAreaElement>(null)
  const dateRef = useRef<HTMLInputElement>(null)
  const ids = useId()
  const titleId = `${ids}-title`
  const noteId = `${ids}-note`
  const counterId = `${ids}-counter`
  const noteErrorId = `${ids}-note-error`
  const dateId = `${ids}-date`
  const dateErrorId = `${ids}-date-error`

  const dismiss = useCallback(() => {
    if (!inFlight.current) closeDialog()
  }, [closeDialog])

  const save = async (input: KeyNoteInput | { note: string; reviewBy: string }) => {
    if (inFlight.current) return
    const check = checkKeyNote(input)
    if (!check.ok) {
      setErrors(check.fieldErrors)
      setAlert(null)
      ;(check.fieldErrors.note ? noteRef : dateRef).current?.focus()
      return
    }
    inFlight.current = true
    setBusy(true)
    setErrors({})
    setAlert(null)
    const result = await setNote(accountId, keyId, check.value)
    inFlight.current = false
    if (result.ok) {
      closeDialog()
      return
    }
    setBusy(false)
    const fields = result.error.fieldErrors ?? {}
    if (fields['note'] || fields['reviewBy']) setErrors({ ...(fields['note'] && { note: fields['note'] }), ...(fields['reviewBy'] && { reviewBy: fields['reviewBy'] }) })
    else setAlert(result.error.message)
  }

  const submit = (event: FormEvent) => {
    event.preventDefault()
    void save({ note, reviewBy })
  }

  const length = noteLength(note)
  const over = length - KEY_NOTE_MAX_LENGTH

  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} dismissible={!busy} className="notes">
      <form onSubmit={submit} noValidate>
        <h2 id={titleId}>
          Note on <span className="key-name-inline">“{apiKey?.name ?? `key #${keyId}`}”</span>
        </h2>
        {account && <p className="dialog-account">{`${accountLabel(account)} · ID ${keyId} · kept on this computer only`}</p>}
        {!apiKey ? (
          <>
            <p role="alert" className="error-text">
              This key is no longer in the list, so it has no note to edit.
            </p>
            <div className="dialog-actions">
              <button type="button" className="button" onClick={dismiss} data-autofocus>
                Close
              </button>
            </div>
          </>
        ) : (
          <>
            <label className="field-label" htmlFor={noteId}>
              Note
            </label>
            <textarea
              ref={noteRef}
              id={noteId}
              className="text-field note-field"
              rows={6}
              value={note}
              placeholder="What it is for, who owns it, where it is used"
              onChange={(event) => {
                setNoteText(event.currentTarget.value)
                if (errors.note) setErrors(({ note: _gone, ...rest }) => rest)
              }}
              onKeyDown={(event) => {
                // Enter is a new line here; Ctrl/⌘+Enter saves.
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault()
                  void save({ note, reviewBy })
                }
              }}
              aria-invalid={errors.note ? true : undefined}
              aria-describedby={errors.note ? `${noteErrorId} ${counterId}` : counterId}
              disabled={busy}
              data-autofocus
            />
            <p id={counterId} className={over > 0 ? 'field-hint is-over' : 'field-hint'}>
              {`${thousands(length)} / ${thousands(KEY_NOTE_MAX_LENGTH)} characters${over > 0 ? `: ${thousands(over)} too many` : ''}`}
            </p>
            {errors.note && (
              <p id={noteErrorId} className="field-error">
                {errors.note[0]}
              </p>
            )}
            <label className="field-label" htmlFor={dateId}>
              Review by (optional)
            </label>
            <div className="input-row date-row">
              <input
                ref={dateRef}
                id={dateId}
                className="text-field"
                type="date"
                value={reviewBy}
                onChange={(event) => {
                  setReviewBy(event.currentTarget.value)
                  if (errors.reviewBy) setErrors(({ reviewBy: _gone, ...rest }) => rest)
                }}
                aria-invalid={errors.reviewBy ? true : undefined}
                aria-describedby={errors.reviewBy ? dateErrorId : undefined}
                disabled={busy}
              />
              {reviewBy !== '' && (
                <button type="button" className="button" onClick={() => setReviewBy('')} disabled={busy}>
                  No date
                </button>
              )}
            </div>
            {errors.reviewBy ? (
              <p id={dateErrorId} className="field-error">
                {errors.reviewBy[0]}
              </p>
            ) : (
              <p className="field-hint">From that day on, the key is marked “Review due”.</p>
            )}
            {alert && (
              <p role="alert" className="error-text">
                {alert}
              </p>
            )}
            <div className="dialog-actions">
              {stored && (
                <button type="button" className="button danger subtle notes-remove" onClick={() => void save({ note: '', reviewBy: null })} disabled={busy}>
                  Remove note
                </button>
              )}
              <button type="button" className="button" onClick={dismiss} disabled={busy}>
                Cancel
              </button>
              <button type="submit" className="button primary" disabled={busy} aria-busy={busy || undefined}>
                {busy ? 'Saving…' : 'Save'}
              </button>
            </div>
          </>
        )}
      </form>
    </ModalDialog>
  )
}

// React.lazy loads a module's default export.
export default NotesDialog
