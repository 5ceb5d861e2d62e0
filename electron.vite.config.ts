import { chmod } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    // keytar (the one runtime dependency) stays external: it is a native module loaded lazily.
    build: {
      outDir: 'out/main',
      rolldownOptions: {
        // The desktop app's main process, and the `autocalls-keys` command line (package.json
        // `bin`), which shares the services and must run on plain Node: it never imports electron.
        input: { index: resolve(__dirname, 'src/main/index.ts'), cli: resolve(__dirname, 'src/cli/index.ts') },
        output: { banner: (chunk) => (chunk.isEntry && chunk.name === 'cli' ? '#!/usr/bin/env node' : '') }
      }
    },
    plugins: [
      {
        // So out/main/cli.js runs as a program straight after a build (npm sets this on install too).
        name: 'autocalls-keys:executable-cli',
        async writeBundle(options, bundle) {
          if (options.dir && 'cli.js' in bundle) await chmod(join(options.dir, 'cli.js'), 0o755)
        }
      }
    ]
  },
  preload: {
    // A sandboxed preload cannot require() modules: bundle everything into one CommonJS file.
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: { output: { format: 'cjs', entryFileNames: '[name].js' } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'src/renderer'),
    plugins: [react()],
    // electron-vite leaves the renderer unminified by default; the window's load time is ours to care for.
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      // No module preloading: the window reads its chunks from app:// on the local disk, where a
      // chunk's imports arriving one after the other cost well under a millisecond, while the
      // preload map (every lazy chunk's dependency list, in the start bundle) cost ~3 kB gzip.
      // A lazy chunk's CSS is still loaded with it.
      modulePreload: false
    }
  }
})
