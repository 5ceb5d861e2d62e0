/**
 * Checking the key-hygiene settings (the Settings dialog, main's payload checks, the state file).
 * Apart from key-hygiene.ts so the window's start, which only classifies keys, does not load it.
 */
import { DEFAULT_HYGIENE_SETTINGS, type HygieneSettings } from './key-hygiene'

/** Whole days, inclusive. Ten years is longer than any key is worth keeping unwatched. */
export const HYGIENE_SETTING_RANGES = {
  staleAfterDays: { min: 1, max: 3650 },
  newForDays: { min: 0, max: 365 },
  rotateAfterDays: { min: 1, max: 3650 }
} as const

const SETTING_NAMES: Readonly<Record<keyof HygieneSettings, string>> = {
  staleAfterDays: '“Stale after”',
  newForDays: '“New for”',
  rotateAfterDays: '“Remind me to rotate keys older than”'
}

export type HygieneSettingsCheck =
  | { ok: true; settings: HygieneSettings }
  | { ok: false; fieldErrors: Partial<Record<keyof HygieneSettings, string[]>> }

/**
 * Checks settings from the window, the command line or the state file. Fields left out keep
 * their value from `base`; `rotateAfterDays: null` turns the reminder off.
 */
export function checkHygieneSettings(raw: unknown, base: Readonly<HygieneSettings> = DEFAULT_HYGIENE_SETTINGS): HygieneSettingsCheck {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, fieldErrors: { staleAfterDays: ['The settings must be an object.'] } }
  }
  const input = raw as Partial<Record<keyof HygieneSettings, unknown>>
  const settings: HygieneSettings = { ...base }
  const fieldErrors: Partial<Record<keyof HygieneSettings, string[]>> = {}
  for (const field of ['staleAfterDays', 'newForDays', 'rotateAfterDays'] as const) {
    if (!(field in input) || input[field] === undefined) continue
    const value = input[field]
    if (field === 'rotateAfterDays' && value === null) {
      settings.rotateAfterDays = null
      continue
    }
    const { min, max } = HYGIENE_SETTING_RANGES[field]
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      fieldErrors[field] = [`${SETTING_NAMES[field]} must be a whole number of days from ${min} to ${max}.`]
      continue
    }
    settings[field] = value
  }
  return Object.keys(fieldErrors).length > 0 ? { ok: false, fieldErrors } : { ok: true, settings }
}

