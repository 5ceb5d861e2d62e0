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

/**
 * The last viewport height measured. A list that mounts again (another account's) starts from it,
 * so its first frame has the right rows without measuring: reading the box's size while mounting
 * would force a layout inside the click that switched accounts.
 */
let lastMeasuredHeight: number | null = null

const initialHeight = (fallback: number): number =>
  lastMeasuredHeight ?? (typeof window !== 'undefined' && window.innerHeight > 0 ? window.innerHeight : fallback)

/** Follows the scroll box's position and size and answers the rows to render. */
export function useRowWindow(scrollRef: RefObject<HTMLElement | null>, count: number, options: RowWindowOptions): RowWindow {
  const [viewport, setViewport] = useState(() => ({ scrollTop: 0, height: initialHeight(options.fallbackHeight) }))
  // The first frame after mounting (start-up, a switch of account) builds only the rows in view;
  // the overscan, which nobody sees yet, follows once that frame is painted.
  const [overscan, setOverscan] = useState(() => (typeof requestAnimationFrame === 'function' ? 0 : options.overscan))
  useEffect(() => {
    if (typeof requestAnimationFrame !== 'function') return
    let timer: ReturnType<typeof setTimeout> | undefined
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setOverscan(options.overscan), 0)
    })
    return () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [options.overscan])
  useEffect(() => {
    const box = scrollRef.current
    if (!box) return
    const read = () =>
      setViewport((current) => {
        const height = box.clientHeight > 0 ? box.clientHeight : current.height
        if (box.clientHeight > 0) lastMeasuredHeight = height
        return current.scrollTop === box.scrollTop && current.height === height ? current : { scrollTop: box.scrollTop, height }
      })
    box.addEventListener('scroll', read, { passive: true })
    // The observer's first report comes after the frame's own layout, with the real size.
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(read) : null
    if (resize) resize.observe(box)
    else read()
    return () => {
      box.removeEventListener('scroll', read)
      resize?.disconnect()
    }
  }, [scrollRef])
  return rowWindow(count, viewport.scrollTop, viewport.height, overscan === options.overscan ? options : { ...options, overscan })
}
