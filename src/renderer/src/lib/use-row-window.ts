/**
 * Which rows of a long list are in view, for a list whose rows all have the same height: then
 * windowing is arithmetic on the scroll position, and only those rows (plus an overscan) are
 * rendered. Written here rather than taken from a virtualisation library because fixed heights
 * need none of a library's measuring, and the one the app used cost 10 kB gzip of every start.
 */
import { useEffect, useState, type RefObject } from 'react'

export interface RowWindowOptions {
  rowHeight: number
  /** Pixels above the first row inside the scroll box (a sticky header). */
  offsetTop: number
  /** Rows rendered beyond each edge, so fast scrolling does not show blank space. */
  overscan: number
  /** Used until the box has a measured height (no layout yet: a hidden window, happy-dom in tests). */
  fallbackHeight: number
}

export interface RowWindow {
  /** First row index to render. */
  start: number
  /** One past the last row index to render. */
  end: number
  /** Height of all rows together. */
  totalHeight: number
}

export function rowWindow(count: number, scrollTop: number, viewportHeight: number, options: RowWindowOptions): RowWindow {
  const top = Math.max(0, scrollTop - options.offsetTop)
  const first = Math.floor(top / options.rowHeight)
  const visible = Math.ceil(viewportHeight / options.rowHeight) + 1
  return {
    start: Math.max(0, first - options.overscan),
    end: Math.min(count, first + visible + options.overscan),
    totalHeight: count * options.rowHeight
  }
}

/** Follows the scroll box's position and size and answers the rows to render. */
export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, options: RowWindowOptions): RowWindow {
  const [viewport, setViewport] = useState({ scrollTop: 0, height: options.fallbackHeight })
  useEffect(() => {
    const box = scrollRef.current
    if (!box) return
    const read = () =>
      setViewport((current) => {
        const height = box.clientHeight > 0 ? box.clientHeight : current.height
        return current.scrollTop === box.scrollTop && current.height === height ? current : { scrollTop: box.scrollTop, height }
      })
    read()
    box.addEventListener('scroll', read, { passive: true })
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null
    resize?.observe(box)
    return () => {
      box.removeEventListener('scroll', read)
      resize?.disconnect()
    }
  }, [scrollRef])
  return rowWindow(count, viewport.scrollTop, viewport.height, options)
}
