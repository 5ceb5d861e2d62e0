/** Shared pieces of the hygiene tests (quick filters, selection, notes, bulk delete). */
import { screen, within } from '@testing-library/react'
import { bodyRows } from './render-app'

export const DAY = 24 * 3600_000
export const MINUTE = 60_000

export const table = (): HTMLElement => screen.getByRole('table', { name: 'API keys' })
export const quickFilters = (): HTMLElement => screen.getByRole('radiogroup', { name: 'Quick filters' })
/** Every quick filter's accessible name, in order ("All 6", "Stale 1"…). */
export const quickFilterNames = (): string[] => within(quickFilters()).getAllByRole('radio').map((radio) => radio.textContent ?? '')
export const quickFilter = (name: RegExp | string): HTMLElement => within(quickFilters()).getByRole('radio', { name })
/** The checked quick filter's label without its count. */
export const checkedQuickFilter = (): string =>
  within(quickFilters())
    .getAllByRole('radio')
    .filter((radio) => radio.getAttribute('aria-checked') === 'true')
    .map((radio) => radio.getAttribute('data-filter') ?? '')
    .join(',')

/** The body row of a key, found by its exact name. */
export function rowOf(name: string): HTMLElement {
  const row = bodyRows().find((candidate) => candidate.querySelector('.key-name')?.textContent === name)
  if (!row) throw new Error(`No row for ${name}`)
  return row
}
/** The state words of a row ("In use", "Stale"…). */
export const stateOf = (name: string): string | null | undefined => rowOf(name).querySelector('.key-state')?.textContent
export const checkboxOf = (name: string): HTMLInputElement => within(rowOf(name)).getByRole<HTMLInputElement>('checkbox', { name: `Select ${name}` })
/** Names of the ticked rows on screen, in display order. */
export const tickedNames = (): string[] =>
  bodyRows()
    .filter((row) => row.querySelector<HTMLInputElement>('input[type="checkbox"]')?.checked)
    .map((row) => row.querySelector('.key-name')?.textContent ?? '')
/** The selection bar's count ("3 selected", or "" with nothing ticked). */
export const selectionText = (): string => document.querySelector('.selection-count')?.textContent ?? ''
