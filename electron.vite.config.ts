import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    // keytar (the one runtime dependency) stays external: it is a native module loaded lazily.
    build: { outDir: 'out/main' }
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
    build: { outDir: resolve(__dirname, 'out/renderer'), minify: true }
  }
})
