/**
 * The verify-first sign-in form (API key, and the API base URL under "Advanced"), used by the
 * first-run screen and by the "Add account" dialog. The key is kept in this form's state only
 * until it is handed to main; main checks it with the server before anything is stored.
 */
import '../styles/sign-in.css'
import { useEffect, useId, useState, type FormEvent } from 'react'
import { checkBaseUrl } from '../../../shared/base-url'
import { DEFAULT_BASE_URL } from '../../../shared/domain'
import type { AppError } from '../../../shared/errors'
import { MESSAGES } from '../lib/messages'
import { useAppShallow } from '../store/store-context'
import { ChevronIcon, EyeIcon, EyeOffIcon } from './SignInIcons'

type Field = 'apiKey' | 'baseUrl'
type FieldErrors = Partial<Record<Field, string>>

const EMPTY_KEY_MESSAGE = 'Enter your Autocalls API key.'

/** The sentence for a failed sign-in; field errors are shown by their fields instead. */
export function signInErrorText(error: AppError): string {
  return error.kind === 'unauthenticated' ? MESSAGES.unauthenticated : error.message
}

const serverFieldErrors = (error: AppError | null): FieldErrors => ({
  apiKey: error?.fieldErrors?.apiKey?.[0],
  baseUrl: error?.fieldErrors?.baseUrl?.[0]
})

export interface SignInFormProps {
  /** Pre-filled base URL (signing in again to an account on a white-label host). */
  initialBaseUrl?: string | undefined
  /** Called after the server accepted the key and the account was added. */
  onSignedIn?: (alreadyExisted: boolean) => void
  /** Focus the key field when shown (a dialog moves focus itself). */
  autoFocus?: boolean
  /** The sandbox button's label ("Try the sandbox" first, "Add a sandbox account" later). */
  sandboxLabel: string
}

/** The sign-in form, plus the sandbox button under it. */
export function SignInForm({ initialBaseUrl, onSignedIn, autoFocus = false, sandboxLabel }: SignInFormProps) {
  const { addAccount, addSandbox, clearAddError, busy, error, preloadAccountActions } = useAppShallow((state) => ({
    preloadAccountActions: state.preloadAccountActions,
    addAccount: state.addAccount,
    addSandbox: state.addSandbox,
    clearAddError: state.clearAddError,
    busy: state.addBusy,
    error: state.addError
  }))
  const [apiKey, setApiKey] = useState('')
  const [keyVisible, setKeyVisible] = useState(false)
  const [baseUrl, setBaseUrl] = useState(initialBaseUrl ?? DEFAULT_BASE_URL)
  const [advancedOpen, setAdvancedOpen] = useState(initialBaseUrl !== undefined && initialBaseUrl !== DEFAULT_BASE_URL)
  const [localErrors, setLocalErrors] = useState<FieldErrors>({})
  const ids = useId()
  // The sign-in's code loads while the person types, not between the click and the request.
  useEffect(() => preloadAccountActions(), [preloadAccountActions])
  const id = (name: string) => `${ids}-${name}`

  const server = serverFieldErrors(error)
  const fieldErrors: FieldErrors = { apiKey: localErrors.apiKey ?? server.apiKey, baseUrl: localErrors.baseUrl ?? server.baseUrl }
  const hasFieldError = Boolean(fieldErrors.apiKey || fieldErrors.baseUrl)
  // A URL problem must be visible even if the person never opened "Advanced".
  const showAdvanced = advancedOpen || Boolean(fieldErrors.baseUrl)

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    if (busy) return
    const local: FieldErrors = {}
    if (apiKey.trim() === '') local.apiKey = EMPTY_KEY_MESSAGE
    const url = checkBaseUrl(baseUrl)
    if (!url.ok) local.baseUrl = url.message
    setLocalErrors(local)
    if (local.apiKey || local.baseUrl) {
      clearAddError()
      focusField(local.apiKey ? id('api-key') : id('base-url'))
      return
    }
    const result = await addAccount(baseUrl, apiKey)
    if (result) {
      setApiKey('')
      onSignedIn?.(result.alreadyExisted)
    }
  }

  const fieldProps = (field: Field, inputId: string) => ({
    id: inputId,
    'aria-invalid': fieldErrors[field] ? true : undefined,
    'aria-describedby': fieldErrors[field] ? `${inputId}-error` : undefined
  })

  return (
    <>
      <form onSubmit={(event) => void submit(event)} noValidate>
        <label className="field-label" htmlFor={id('api-key')}>
          API key
        </label>
        <div className="input-row">
          <input
            {...fieldProps('apiKey', id('api-key'))}
            className="text-field mono"
            type={keyVisible ? 'text' : 'password'}
            value={apiKey}
            onChange={(event) => {
              setApiKey(event.currentTarget.value)
              setLocalErrors((errors) => ({ ...errors, apiKey: undefined }))
            }}
            autoComplete="off"
            spellCheck={false}
            autoFocus={autoFocus}
            data-autofocus
          />
          <button type="button" className="button icon-button" aria-pressed={keyVisible} onClick={() => setKeyVisible((visible) => !visible)}>
            {keyVisible ? <EyeOffIcon /> : <EyeIcon />}
            {/* Named by content, not aria-label, so label queries for "API key" stay unambiguous. */}
            <span className="visually-hidden">{keyVisible ? 'Hide API key' : 'Show API key'}</span>
          </button>
        </div>
        {fieldErrors.apiKey && (
          <p id={`${id('api-key')}-error`} className="field-error">
            {fieldErrors.apiKey}
          </p>
        )}

        <button type="button" className="disclosure" aria-expanded={showAdvanced} aria-controls={id('advanced')} onClick={() => setAdvancedOpen(!showAdvanced)}>
          <ChevronIcon open={showAdvanced} />
          Advanced
        </button>
        <div id={id('advanced')} className="advanced" hidden={!showAdvanced}>
          <label className="field-label" htmlFor={id('base-url')}>
            API base URL
          </label>
          <input
            {...fieldProps('baseUrl', id('base-url'))}
            className="text-field mono"
            type="url"
            value={baseUrl}
            onChange={(event) => {
              setBaseUrl(event.currentTarget.value)
              setLocalErrors((errors) => ({ ...errors, baseUrl: undefined }))
            }}
            autoComplete="off"
            spellCheck={false}
          />
          {fieldErrors.baseUrl ? (
            <p id={`${id('base-url')}-error`} className="field-error">
              {fieldErrors.baseUrl}
            </p>
          ) : (
            <p className="field-hint">For white-label servers. Leave as is for app.autocalls.ai.</p>
          )}
        </div>

        {error && !hasFieldError && (
          <p role="alert" className="error-text">
            {signInErrorText(error)}
          </p>
        )}
        <button type="submit" className="button primary wide" disabled={busy !== null} aria-busy={busy === 'sign-in' || undefined}>
          {busy === 'sign-in' ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <div className="divider" aria-hidden="true">
        <span>or</span>
      </div>
      <button
        type="button"
        className="button wide"
        onClick={() => void addSandbox().then((added) => added && onSignedIn?.(false))}
        disabled={busy !== null}
        aria-busy={busy === 'sandbox' || undefined}
      >
        {busy === 'sandbox' ? 'Starting sandbox…' : sandboxLabel}
      </button>
      <p className="field-hint centered">A demo server on this computer with sample keys. Nothing is saved.</p>
    </>
  )
}

function focusField(id: string): void {
  // After React has shown the field (it may be inside "Advanced", just opened).
  requestAnimationFrame(() => document.getElementById(id)?.focus())
}
