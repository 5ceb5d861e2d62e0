// ESLint for the whole project: typescript-eslint with type information, and React's hooks rules
// for the renderer. It lives in .config/ because the top level of the repo is kept to the files
// README names; `npm run lint` (and `npm test`) pass it with --config.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import reactHooks from 'eslint-plugin-react-hooks'
import tseslint from 'typescript-eslint'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'bench-results/**', 'test-results/**', 'coverage/**', '**/*.cjs', '**/*.mjs'] },
  {
    files: ['src/**/*.{ts,tsx}', 'test/**/*.{ts,tsx}', 'electron.vite.config.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: {
        project: ['src/tsconfig.node.json', 'src/renderer/tsconfig.json', 'test/tsconfig.json'],
        tsconfigRootDir: root
      }
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // `_name` marks a parameter that a signature needs but the body does not.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Promises handed to event handlers are awaited by React or fire-and-forget on purpose: `void` marks the latter.
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      // `async` without `await` is how a port of an async interface is written here (stand-ins,
      // handlers): it turns a synchronous throw into a rejection, which is what callers handle.
      '@typescript-eslint/require-await': 'off',
      // An aborted signal's `reason` is what the platform rejects with (an AbortError by default).
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }]
    }
  },
  {
    // Tests assert on values typed `any` by design: vitest's asymmetric matchers (`expect.any`,
    // `expect.objectContaining`) and JSON read back from servers, files and child processes.
    files: ['test/**/*.{ts,tsx}'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off'
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules }
  }
)
