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
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }]
    }
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}', 'test/renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: { ...reactHooks.configs.recommended.rules }
  }
)
