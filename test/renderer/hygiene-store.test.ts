/** The store's hygiene state: per-account selection and quick filter, notes, and a batch's progress. */
import { describe, expect, it } from 'vitest'
import { createAppStore } from '../../src/renderer/src/store/app-store'
import { extendTo, NO_SELECTION, toggleKey } from '../../src/renderer/src/lib/key-selection'
import { storedKeyNote } from '../../src/shared/key-notes'
import { ADA, createFakeApi, GRACE, makeKeys, ok } from './fake-api'

async function started() {
  const fake = createFakeApi({
    accounts: [
      { account: ADA, keys: makeKeys(5), notes: { '2': storedKeyNote({ note: 'two', reviewBy: null }), '4': storedKeyNote({ note: 'four', reviewBy: null }) } },
      { account: GRACE, keys: makeKeys(3, 50) }
    ]
  })
  const store = createAppStore(fake.api)
  await store.getState().start()
  await store.getState().runs.lists.get(ADA.id)
  return { fake, store }
}

describe('hygiene state in the store', () => {
  it('keeps the list\'s notes and rotations from main', async () => {
    const { store } = await started()
    expect(Object.keys(store.getState().lists[ADA.id]!.notes).sort()).toEqual(['2', '4'])
    expect(store.getState().lists[ADA.id]!.rotations).toEqual([])
  })

  it('selection and quick filter are per account; forgetting one account leaves the other', async () => {
    const { store } = await started()
    const state = () => store.getState()
    state().toggleSelected(ADA.id, 1)
    state().toggleSelected(GRACE.id, 50)
    state().setQuickFilter(ADA.id, 'stale')
    state().forgetKeyView(ADA.id)
    expect(state().selections[ADA.id]).toBeUndefined()
    expect(state().quickFilters[ADA.id]).toBeUndefined()
    expect([...state().selections[GRACE.id]!.ids]).toEqual([50])
  })

  it('a bulk delete follows only its own batch, forgets its progress at the end, and drops the notes of deleted keys', async () => {
    const { store, fake } = await started()
    const seen: Array<number | undefined> = []
    const unsubscribe = store.subscribe((state) => seen.push(state.batches['b-1']?.done))
    fake.next('keys.bulkDelete', ({ accountId, batchId }) => {
      fake.emit('batchProgress', { accountId, batchId: 'someone-else', total: 1, done: 1, failed: 0, remaining: 0, pausedUntil: null, pauseReason: null })
      fake.emit('batchProgress', { accountId, batchId, total: 2, done: 1, failed: 0, remaining: 1, pausedUntil: null, pauseReason: null })
      expect(store.getState().batches).toEqual({ [batchId]: expect.objectContaining({ done: 1, remaining: 1 }) })
      return ok({
        accountId,
        batchId,
        ended: 'completed',
        signedOut: false,
        items: [
          { id: 2, name: 'Key 00002', outcome: 'deleted', error: null },
          { id: 3, name: 'Key 00003', outcome: 'failed', error: { kind: 'server', message: 'HTTP 500' } }
        ]
      })
    })
    store.getState().selectOnly(ADA.id, [1, 2, 3])
    const result = await store.getState().bulkDelete({ accountId: ADA.id, batchId: 'b-1', ids: [2, 3], includeOwnKey: false })
    unsubscribe()
    expect(result.ok).toBe(true)
    expect(seen).toContain(1)
    expect(store.getState().batches).toEqual({})
    expect(fake.listenerCount('batchProgress')).toBe(0)
    const list = store.getState().lists[ADA.id]!
    expect(list.items!.map((key) => key.id).sort()).toEqual([1, 3, 4, 5])
    expect(Object.keys(list.notes)).toEqual(['4'])
    // Only the failed key stays ticked (key 1 was not in the batch).
    expect([...store.getState().selections[ADA.id]!.ids]).toEqual([3])
  })

  it('setNote stores main\'s answer in the list, and removes the note when main does', async () => {
    const { store, fake } = await started()
    const saved = await store.getState().setNote(ADA.id, 1, { note: 'one', reviewBy: '2027-01-01' })
    expect(saved.ok).toBe(true)
    expect(store.getState().lists[ADA.id]!.notes['1']).toMatchObject({ note: 'one', reviewBy: '2027-01-01' })
    await store.getState().setNote(ADA.id, 2, { note: '', reviewBy: null })
    expect(store.getState().lists[ADA.id]!.notes['2']).toBeUndefined()
    fake.failNext('notes.set', { kind: 'internal', message: 'Disk full.' })
    const failed = await store.getState().setNote(ADA.id, 4, { note: 'changed', reviewBy: null })
    expect(failed.ok).toBe(false)
    expect(store.getState().lists[ADA.id]!.notes['4']!.note).toBe('four')
  })
})

describe('selection rules (pure)', () => {
  const shown = [{ id: 6 }, { id: 5 }, { id: 4 }, { id: 3 }]
  it('extends from the anchor in the order shown, keeping what was ticked', () => {
    const anchored = toggleKey(toggleKey(NO_SELECTION, 9), 5)
    expect([...extendTo(anchored, shown, 3).ids].sort()).toEqual([3, 4, 5, 9])
    expect(extendTo(anchored, shown, 3).anchor).toBe(5)
  })
  it('without an anchor on screen, starts from the row focus left, or ticks the target alone', () => {
    expect([...extendTo(NO_SELECTION, shown, 4, 6).ids].sort()).toEqual([4, 5, 6])
    expect(extendTo(NO_SELECTION, shown, 4, 6).anchor).toBe(6)
    expect([...extendTo(NO_SELECTION, shown, 4).ids]).toEqual([4])
    // A target not shown changes nothing.
    expect(extendTo(NO_SELECTION, shown, 42)).toBe(NO_SELECTION)
  })
})
