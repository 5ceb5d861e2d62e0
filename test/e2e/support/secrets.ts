/**
 * Where a secret could linger in the browser: the DOM (markup and form values), web storage,
 * IndexedDB, Cache Storage, cookies, the URL and history state; and, after Chromium has closed,
 * the files of its profile.
 */
import { readdir, readFile, stat } from 'node:fs/promises'
import { join, relative } from 'node:path'
import type { Page } from 'playwright-core'

/** The places in the live page whose text contains `needle` (empty: nowhere). */
export async function findSecretInPage(page: Page, needle: string): Promise<string[]> {
  return page.evaluate(async (secret) => {
    const places: string[] = []
    const check = (place: string, text: string | null | undefined) => {
      if (text && text.includes(secret)) places.push(place)
    }
    check('DOM markup', document.documentElement.outerHTML)
    check('document text', document.body?.innerText)
    for (const field of Array.from(document.querySelectorAll('input, textarea, select'))) {
      check(`form value of ${field.tagName.toLowerCase()}#${field.id || '?'}`, (field as HTMLInputElement).value)
    }
    for (const [name, storage] of [
      ['localStorage', window.localStorage],
      ['sessionStorage', window.sessionStorage]
    ] as const) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? ''
        check(`${name} key`, key)
        check(`${name}[${key}]`, storage.getItem(key))
      }
    }
    check('cookies', document.cookie)
    check('URL', location.href)
    check('window.name', window.name)
    try {
      check('history.state', JSON.stringify(history.state))
    } catch {
      places.push('history.state (not serialisable)')
    }
    for (const info of await indexedDB.databases()) {
      if (!info.name) continue
      const db = await new Promise<IDBDatabase>((resolve, reject) => {
        const request = indexedDB.open(info.name as string)
        request.onsuccess = () => resolve(request.result)
        request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
      })
      for (const storeName of Array.from(db.objectStoreNames)) {
        const values = await new Promise<unknown[]>((resolve, reject) => {
          const request = db.transaction(storeName, 'readonly').objectStore(storeName).getAll()
          request.onsuccess = () => resolve(request.result)
          request.onerror = () => reject(request.error ?? new Error('IndexedDB request failed'))
        })
        check(`IndexedDB ${info.name}/${storeName}`, JSON.stringify(values))
      }
      db.close()
    }
    if ('caches' in window) {
      for (const cacheName of await caches.keys()) {
        const cache = await caches.open(cacheName)
        for (const request of await cache.keys()) {
          check(`Cache Storage ${cacheName} URL`, request.url)
          check(`Cache Storage ${cacheName} body`, await (await cache.match(request))?.text())
        }
      }
    }
    return places
  }, needle)
}

/** Web storage and IndexedDB as JSON, for a test to show what the page kept. */
export async function dumpWebStorage(page: Page): Promise<{ localStorage: Record<string, string>; sessionStorage: Record<string, string>; indexedDB: string[] }> {
  return page.evaluate(async () => {
    const dump = (storage: Storage) => Object.fromEntries(Array.from({ length: storage.length }, (_, i) => storage.key(i) ?? '').map((k) => [k, storage.getItem(k) ?? '']))
    return {
      localStorage: dump(localStorage),
      sessionStorage: dump(sessionStorage),
      indexedDB: (await indexedDB.databases()).map((d) => d.name ?? '')
    }
  })
}

export interface FileHit {
  file: string
  needle: string
  encoding: 'utf8' | 'utf16le'
}

/**
 * Scans every file under `dir` for each needle, as UTF-8 and as UTF-16LE (Chromium's LevelDB and
 * SQLite stores use both). Use it on a browser profile after `E2eBrowser.close({ keepProfile: true })`.
 */
export async function findSecretsInFiles(dir: string, needles: string[]): Promise<FileHit[]> {
  const patterns = needles.flatMap((needle) => [
    { needle, encoding: 'utf8' as const, bytes: Buffer.from(needle, 'utf8') },
    { needle, encoding: 'utf16le' as const, bytes: Buffer.from(needle, 'utf16le') }
  ])
  const hits: FileHit[] = []
  const walk = async (path: string): Promise<void> => {
    let info
    try {
      info = await stat(path)
    } catch {
      return
    }
    if (info.isDirectory()) {
      for (const entry of await readdir(path)) await walk(join(path, entry))
      return
    }
    if (!info.isFile()) return
    const content = await readFile(path).catch(() => null)
    if (!content) return
    for (const pattern of patterns) {
      if (content.includes(pattern.bytes)) hits.push({ file: relative(dir, path), needle: pattern.needle, encoding: pattern.encoding })
    }
  }
  await walk(dir)
  return hits
}
