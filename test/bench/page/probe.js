/*
 * Injected into every benchmark page before the app's own scripts (Playwright's addInitScript:
 * it goes through the DevTools protocol, so the page's CSP does not apply). Plain ES2020, no
 * build step: it must run as written. It records, in `window.__bench`:
 *
 * - appFirstCommitAt: when the app first put anything into #root (its first React commit);
 * - rowInsertedAt / rowPaintedAt: when the key table's first data row entered the DOM, and the end
 *   of the first frame painted after that (requestAnimationFrame, then a MessageChannel message,
 *   which Chromium runs right after that frame's paint), both as performance.now(), i.e.
 *   milliseconds since navigation start;
 * - keystrokes: for each keydown in the filter box, its event.timeStamp, when the list (anything
 *   but the filter box and the status line) first and last changed after it, and the end of the
 *   first frame painted after the last change; idlePaintAt is the first frame after the keydown,
 *   the answer when the keystroke changes nothing on screen.
 *
 * Its listeners are registered before the app's, so the app's own work is inside the interval.
 */
;(() => {
  const FIRST_ROW = '[role="table"][aria-label="API keys"] [role="row"][aria-rowindex="2"]'
  const TABLE = '[role="table"][aria-label="API keys"]'
  const bench = { appFirstCommitAt: null, rowInsertedAt: null, rowPaintedAt: null, keystrokes: [] }
  Object.defineProperty(window, '__bench', { value: bench, enumerable: false })

  const afterNextPaint = (callback) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel()
      channel.port1.onmessage = () => callback(performance.now())
      channel.port2.postMessage(null)
    })

  let pending = null
  const rowCount = () => {
    const table = document.querySelector(TABLE)
    return table ? Number(table.getAttribute('aria-rowcount')) - 1 : null
  }

  /** Changes that are not the list: the filter box echoing the keystroke, the status line. */
  const ignored = (record) => {
    const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement
    return !node || node.closest('input, [role="status"]') !== null
  }

  const observer = new MutationObserver((records) => {
    const now = performance.now()
    if (bench.appFirstCommitAt === null && document.getElementById('root')?.firstChild) bench.appFirstCommitAt = now
    if (bench.rowInsertedAt === null && document.querySelector(FIRST_ROW)) {
      bench.rowInsertedAt = now
      afterNextPaint((t) => {
        bench.rowPaintedAt = t
      })
    }
    // A keystroke may update the list in more than one commit (e.g. a deferred render): the
    // latency runs to the frame painted after the last change to the list.
    if (pending && records.some((record) => !ignored(record))) {
      const entry = pending
      entry.mutatedAt ??= now
      entry.lastMutatedAt = now
      entry.commits += 1
      afterNextPaint((t) => {
        entry.paintedAt = t
        entry.rows = rowCount()
      })
    }
  })
  observer.observe(document, { childList: true, subtree: true, characterData: true, attributes: true })

  addEventListener(
    'keydown',
    (event) => {
      const target = event.target
      if (!(target instanceof HTMLInputElement) || target.type !== 'search') return
      const entry = { key: event.key, start: event.timeStamp, handlerAt: performance.now(), mutatedAt: null, lastMutatedAt: null, commits: 0, paintedAt: null, idlePaintAt: null, rows: null }
      bench.keystrokes.push(entry)
      pending = entry
      // When nothing on screen changes (same rows), the next frame is the answer.
      afterNextPaint((t) => {
        entry.idlePaintAt = t
        if (entry.mutatedAt === null) entry.rows = rowCount()
      })
    },
    true
  )
})()
