/**
 * Builds the browser bridge (src/preview/browser/preview-bridge.ts) into one classic IIFE script,
 * in memory, with Vite's build API. Built once per process and shared by every preview server.
 */
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const BRIDGE_ENTRY = resolve(dirname(fileURLToPath(import.meta.url)), '../browser/preview-bridge.ts')

let cached: Promise<string> | undefined

export function buildBridgeScript(): Promise<string> {
  cached ??= build().catch((error: unknown) => {
    cached = undefined
    throw error
  })
  return cached
}

async function build(): Promise<string> {
  const { build: viteBuild } = await import('vite')
  const output = await viteBuild({
    configFile: false,
    envDir: false,
    mode: 'production',
    root: dirname(BRIDGE_ENTRY),
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      emptyOutDir: false,
      copyPublicDir: false,
      minify: false,
      sourcemap: false,
      target: 'es2022',
      modulePreload: false,
      reportCompressedSize: false,
      lib: { entry: BRIDGE_ENTRY, formats: ['iife'], name: '__autocallsPreviewBridge', fileName: () => 'bridge.js' }
    }
  })
  const results = Array.isArray(output) ? output : [output]
  for (const result of results) {
    if (!('output' in result)) continue
    for (const chunk of result.output) {
      if (chunk.type === 'chunk' && chunk.isEntry) return chunk.code
    }
  }
  throw new Error('Building the browser bridge produced no script.')
}
