/** Settings kept by main (not secret). Loaded on demand: most sessions never open it. */
import { useCallback, useId, useState, type FormEvent } from 'react'
import { QUIET_PERIOD_MINUTES_RANGE, type Preferences } from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { checkHygieneSettings, HYGIENE_SETTING_RANGES } from '../../../shared/key-hygiene-settings'
import { useApp } from '../store/store-context'
import { ModalDialog } from './ModalDialog'

/** Choices for how long a copied token may stay on the clipboard (main accepts 5–600 s). */
const CLIPBOARD_DELAYS = [15, 30, 60, 120, 300] as const

const delayLabel = (seconds: number): string => (seconds < 60 ? `${seconds} seconds` : seconds === 60 ? '1 minute' : `${seconds / 60} minutes`)

export default function SettingsDialog() {
  const closeDialog = useApp((state) => state.closeDialog)
  const titleId = useId()
  const dismiss = useCallback(() => closeDialog(), [closeDialog])
  return (
    <ModalDialog labelledBy={titleId} onDismiss={dismiss} className="settings">
      <h2 id={titleId}>Settings</h2>
      <ClipboardDelaySetting />
      <KeyHygieneSettings />
      <div className="dialog-actions">
        <button type="button" className="button primary" onClick={dismiss} data-autofocus>
          Done
        </button>
      </div>
    </ModalDialog>
  )
}

/** The clipboard-clearing delay. */
function ClipboardDelaySetting() {
  const seconds = useApp((state) => state.preferences.clipboardClearSeconds)
  const setSeconds = useApp((state) => state.setClipboardClearSeconds)
  const [error, setError] = useState<AppError | null>(null)
  const id = useId()
  // A value set elsewhere (an older version, a hand edit) is shown as it is, not silently changed.
  const choices = CLIPBOARD_DELAYS.includes(seconds as (typeof CLIPBOARD_DELAYS)[number]) ? CLIPBOARD_DELAYS : [...CLIPBOARD_DELAYS, seconds].sort((a, b) => a - b)
  return (
    <div className="setting">
      <label htmlFor={id}>Clear copied keys from the clipboard after</label>
      <select
        id={id}
        value={seconds}
        aria-describedby={error ? `${id}-error` : undefined}
        onChange={(event) => {
          setError(null)
          void setSeconds(Number(event.target.value)).then(setError)
        }}
      >
        {choices.map((choice) => (
          <option key={choice} value={choice}>
            {delayLabel(choice)}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} role="alert" className="error-text">
          {error.message}
        </p>
      )}
    </div>
  )
}

type HygieneField = 'staleAfterDays' | 'newForDays' | 'rotateAfterDays' | 'quietPeriodMinutes'
type FieldErrors = Partial<Record<HygieneField, string>>

/** A number field's text as a value to check: an empty or non-numeric text stays text, so the check names it. */
const numberOf = (text: string): unknown => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text)

/** Checks the typed settings with the rules main applies; a specific message per field. */
export function checkSettingsForm(form: Record<HygieneField, string> & { remind: boolean }, base: Preferences): { ok: true; changes: Partial<Preferences> } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {}
  const hygiene = checkHygieneSettings(
    { staleAfterDays: numberOf(form.staleAfterDays), newForDays: numberOf(form.newForDays), rotateAfterDays: form.remind ? numberOf(form.rotateAfterDays) : null },
    base
  )
  if (!hygiene.ok) {
    for (const [field, messages] of Object.entries(hygiene.fieldErrors)) errors[field as HygieneField] = messages?.[0]
  }
  const quiet = numberOf(form.quietPeriodMinutes)
  const { min, max } = QUIET_PERIOD_MINUTES_RANGE
  if (typeof quiet !== 'number' || !Number.isInteger(quiet) || quiet < min || quiet > max) {
    errors.quietPeriodMinutes = `“Quiet period” must be a whole number of minutes from ${min} to ${max} (${max / (24 * 60)} days).`
  }
  if (!hygiene.ok || errors.quietPeriodMinutes) return { ok: false, errors }
  const { staleAfterDays, newForDays, rotateAfterDays } = hygiene.settings
  return { ok: true, changes: { staleAfterDays, newForDays, rotateAfterDays, quietPeriodMinutes: quiet as number } }
}

/** Key states, the rotation reminder and the rotation quiet period, saved together. */
function KeyHygieneSettings() {
  const preferences = useApp((state) => state.preferences)
  const updatePreferences = useApp((state) => state.updatePreferences)
  const [form, setForm] = useState(() => ({
    staleAfterDays: String(preferences.staleAfterDays),
    newForDays: String(preferences.newForDays),
    remind: preferences.rotateAfterDays !== null,
    rotateAfterDays: String(preferences.rotateAfterDays ?? 365),
    quietPeriodMinutes: String(preferences.quietPeriodMinutes)
  }))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [saveError, setSaveError] = useState<string | null>(null)
  const [status, setStatus] = useState('')
  const [busy, setBusy] = useState(false)
  const id = useId()

  const edit = (field: keyof typeof form, value: string | boolean) => {
    setForm((current) => ({ ...current, [field]: value }))
    setErrors((current) => ({ ...current, [field]: undefined }))
    setStatus('')
  }

  const save = async (event: FormEvent) => {
    event.preventDefault()
    if (busy) return
    setSaveError(null)
    setStatus('')
    const checked = checkSettingsForm(form, preferences)
    if (!checked.ok) {
      setErrors(checked.errors)
      const first = (['staleAfterDays', 'newForDays', 'rotateAfterDays', 'quietPeriodMinutes'] as const).find((field) => checked.errors[field])
      if (first) document.getElementById(`${id}-${first}`)?.focus()
      return
    }
    setErrors({})
    setBusy(true)
    const failure = await updatePreferences(checked.changes)
    setBusy(false)
    if (failure) setSaveError(failure.fieldErrors ? Object.values(failure.fieldErrors).flat().join(' ') || failure.message : failure.message)
    else setStatus('Saved.')
  }

  const numberField = (field: HygieneField, label: string, unit: string, range: { min: number; max: number }, disabled = false) => {
    const error = errors[field]
    const fieldId = `${id}-${field}`
    return (
      <div className="setting setting-number">
        <label htmlFor={fieldId}>{label}</label>
        <span className="input-with-unit">
          <input
            id={fieldId}
            className="text-field number-field"
            type="number"
            inputMode="numeric"
            min={range.min}
            max={range.max}
            step={1}
            value={form[field]}
            disabled={disabled || busy}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${fieldId}-error` : undefined}
            onChange={(event) => edit(field, event.currentTarget.value)}
          />
          <span className="muted">{unit}</span>
        </span>
        {error && (
          <p id={`${fieldId}-error`} className="field-error">
            {error}
          </p>
        )}
      </div>
    )
  }

  return (
    <form className="settings-section" onSubmit={(event) => void save(event)} noValidate aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>Key hygiene and rotation</h3>
      {numberField('staleAfterDays', 'A key is stale when not used for', 'days', HYGIENE_SETTING_RANGES.staleAfterDays)}
      {numberField('newForDays', 'A never-used key counts as new for', 'days', HYGIENE_SETTING_RANGES.newForDays)}
      <label className="checkbox">
        <input type="checkbox" checked={form.remind} onChange={(event) => edit('remind', event.currentTarget.checked)} disabled={busy} />
        Remind me to rotate keys older than a number of days
      </label>
      {numberField('rotateAfterDays', 'Rotation reminder after', 'days', HYGIENE_SETTING_RANGES.rotateAfterDays, !form.remind)}
      {numberField('quietPeriodMinutes', 'A rotation is safe to finish when the old key was quiet for', 'minutes', QUIET_PERIOD_MINUTES_RANGE)}
      {saveError && (
        <p role="alert" className="error-text">
          {saveError}
        </p>
      )}
      <div className="settings-save">
        <p role="status" className="status-text">
          {status}
        </p>
        <button type="submit" className="button" disabled={busy} aria-busy={busy || undefined}>
          Save
        </button>
      </div>
    </form>
  )
}
