/**
 * The quick filters beside the name filter (All, In use, Stale, Never used, Review due, This app,
 * and Rotation due when that reminder is on), each with its count. A radio group: one tab stop,
 * arrow keys move and choose, as with native radio buttons.
 */
import { useRef, type KeyboardEvent as ReactKeyboardEvent } from 'react'
import type { QuickFilter, QuickFilterOption } from '../../../shared/key-hygiene'

export interface QuickFiltersProps {
  options: readonly QuickFilterOption[]
  value: QuickFilter
  onChange: (filter: QuickFilter) => void
}

export function QuickFilters({ options, value, onChange }: QuickFiltersProps) {
  const groupRef = useRef<HTMLDivElement>(null)
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const current = options.findIndex((option) => option.filter === value)
    const last = options.length - 1
    const next =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? current === last ? 0 : current + 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? current <= 0 ? last : current - 1
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null
    if (next === null || event.altKey || event.ctrlKey || event.metaKey) return
    event.preventDefault()
    const option = options[next]
    if (!option) return
    onChange(option.filter)
    groupRef.current?.querySelectorAll<HTMLElement>('[role="radio"]')[next]?.focus()
  }
  return (
    <div ref={groupRef} role="radiogroup" aria-label="Quick filters" className="quick-filters" onKeyDown={onKeyDown}>
      {options.map((option) => {
        const checked = option.filter === value
        return (
          <button
            key={option.filter}
            type="button"
            role="radio"
            aria-checked={checked}
            tabIndex={checked ? 0 : -1}
            className="quick-filter"
            data-filter={option.filter}
            onClick={() => onChange(option.filter)}
          >
            {option.label} <span className="quick-filter-count">{option.count}</span>
          </button>
        )
      })}
    </div>
  )
}
