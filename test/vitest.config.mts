import { resolve } from 'node:path'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vitest/config'

const root = resolve(import.meta.dirname, '..')

export default defineConfig({
  root,
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'node',
          root,
          environment: 'node',
          include: ['test/{main,shared,sandbox,preview,electron,reliability,tooling}/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 20_000
        }
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          root,
          environment: 'happy-dom',
          include: ['test/renderer/**/*.test.{ts,tsx}'],
          setupFiles: ['test/renderer/setup.ts']
        }
      },
      {
        test: {
          name: 'e2e',
          root,
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // One Chromium at a time: the machines have two cores.
          fileParallelism: false
        }
      }
    ]
  }
})
