/**
 * The key table's windowing: which rows are built, and when. The first frame after a mount (start-up,
 * a switch of account) builds only the rows in view; the overscan follows after that frame; a list
 * mounted again starts from the height measured last, without reading the box's size while mounting.
 */
import { act, render, screen } from '@testing-library/react'
import { useRef } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { rowWindow, useRowWindow, type RowWindowOptions } from '../../src/renderer/src/lib/use-row-window'

const OPTIONS: RowWindowOptions = { rowHeight: 40, offsetTop: 30, overscan: 5, fallbackHeight: 600 }
const nextFrameThenTask = () => new Promise<void>((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)))

/** A scroll box whose size reads come from `height` (happy-dom has no layout), counted. */
function Rows({ count, height, reads }: { count: number; height: { value: number }; reads: { count: number } }) {
  const ref = useRef<HTMLDivElement | null>(null)
  const attach = (box: HTMLDivElement | null) => {
    if (box && !Object.hasOwn(box, 'clientHeight')) {
      Object.defineProperty(box, 'clientHeight', {
        get: () => {
          reads.count++
          return height.value
        }
      })
    }
    ref.current = box
  }
  const { start, end } = useRowWindow(ref, count, OPTIONS)
  return (
    <div ref={attach} data-testid="box">
      {start}–{end}
    </div>
  )
}

describe('rowWindow', () => {
  it('answers the rows in view plus the overscan on each side, clamped to the list', () => {
    // 400 px shows 10 rows of 40 px (+1 for a partly shown row); the header takes 30 px of the scroll.
    expect(rowWindow(1000, 0, 400, OPTIONS)).toEqual({ start: 0, end: 16, totalHeight: 40_000 })
    expect(rowWindow(1000, 30 + 40 * 100, 400, OPTIONS)).toEqual({ start: 95, end: 116, totalHeight: 40_000 })
    expect(rowWindow(1000, 40_000, 400, OPTIONS)).toEqual({ start: 994, end: 1000, totalHeight: 40_000 })
    expect(rowWindow(3, 0, 400, OPTIONS).end).toBe(3)
  })
})

describe('useRowWindow', () => {
  it('builds only the rows in view at first and the overscan after the first frame; a remount starts from the last measured height without reading it', async () => {
    vi.stubGlobal('innerHeight', 400)
    try {
      const height = { value: 0 }
      const reads = { count: 0 }
      const first = render(<Rows count={1000} height={height} reads={reads} />)
      // Nothing measured yet: the window's height stands in (400 px → 11 rows), no overscan yet.
      expect(screen.getByTestId('box').textContent).toBe('0–11')
      expect(reads.count).toBe(0)
      await act(nextFrameThenTask)
      expect(screen.getByTestId('box').textContent).toBe('0–16')

      // The box reports its real size (as the ResizeObserver or a scroll does): 200 px.
      height.value = 200
      act(() => {
        screen.getByTestId('box').dispatchEvent(new Event('scroll'))
      })
      expect(screen.getByTestId('box').textContent).toBe('0–11')
      first.unmount()

      // Another account's list: the first frame uses 200 px (6 rows) and reads no size while mounting.
      reads.count = 0
      render(<Rows count={1000} height={height} reads={reads} />)
      expect(screen.getByTestId('box').textContent).toBe('0–6')
      const readsWhileMounting = reads.count
      await act(nextFrameThenTask)
      expect(screen.getByTestId('box').textContent).toBe('0–11')
      // Without a ResizeObserver (happy-dom has one that never reports), nothing read the box at mount.
      expect(readsWhileMounting).toBe(typeof ResizeObserver === 'function' ? 0 : 1)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
