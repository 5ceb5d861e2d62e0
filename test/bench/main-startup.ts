/**
 * Main-process start-up work, without Electron: what main does before the window's first paint
 * is load its bundle, build the services (createAppServices: read the state file, wire the
 * services) and answer `app:get-initial-state`. src/main/app-services.ts is built with the
 * project's own main config (electron.vite.config.ts through electron-vite's main preset: same
 * format, target, externals) into a temp folder, and each sample runs in a fresh Node process
 * (main-startup-probe.cjs), which also reports whether keytar or the sandbox got loaded.
 */
import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'

const REPO_ROOT = resolve(__dirname, '../..')
const PROBE = join(__dirname, 'main-startup-probe.cjs')
const run = promisify(execFile)

export interface MainBundleFile {
  file: string
  bytes: number
}

/** out/main as electron-vite built it: the entry and its chunks (loaded or lazy). */
export function mainBundleFiles(outMain = join(REPO_ROOT, 'out/main')): MainBundleFile[] {
  return readdirSync(outMain, { recursive: true })
    .map(String)
    .filter((name) => /\.(?:c|m)?js$/.test(name) && statSync(join(outMain, name)).isFile())
    .map((name) => ({ file: name, bytes: statSync(join(outMain, name)).size }))
    .sort((a, b) => (a.file === 'index.js' ? -1 : b.file === 'index.js' ? 1 : a.file.localeCompare(b.file)))
}

/**
 * Splits out/main into what loads with index.js (itself and the chunks it requires at the top
 * level) and what loads on demand (chunks required inside `Promise.resolve().then(() => …)`, the
 * CommonJS form of `import()`).
 */
export function classifyMainFiles(files: MainBundleFile[], outMain = join(REPO_ROOT, 'out/main')): { atStart: MainBundleFile[]; onDemand: MainBundleFile[] } {
  const code = readFileSync(join(outMain, 'index.js'), 'utf8')
  const lazy = new Set([...code.matchAll(/\.then\(\(\)\s*=>\s*require\(["']\.\/([^"']+)["']\)\)/g)].map((m) => m[1]))
  const eager = new Set([...code.matchAll(/require\(["']\.\/([^"']+)["']\)/g)].map((m) => m[1]).filter((f) => !lazy.has(f)))
  return {
    atStart: files.filter((f) => f.file === 'index.js' || eager.has(f.file)),
    onDemand: files.filter((f) => f.file !== 'index.js' && !eager.has(f.file))
  }
}

export interface ServicesBuild {
  entry: string
  files: MainBundleFile[]
  cleanup(): Promise<void>
}

/** Builds src/main/app-services.ts with the project's main config into a temp folder. */
export async function buildServicesBundle(): Promise<ServicesBuild> {
  const { loadConfigFromFile, MainConfigFactory } = await import('electron-vite')
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(REPO_ROOT, 'electron.vite.config.ts'), REPO_ROOT, 'silent', true)
  const main = (loaded.config as { main?: Record<string, unknown> }).main ?? {}
  const outDir = await mkdtemp(join(tmpdir(), 'autocalls-bench-main-'))
  const build = {
    ...((main['build'] as object | undefined) ?? {}),
    outDir,
    emptyOutDir: true,
    rolldownOptions: { input: { 'app-services': join(REPO_ROOT, 'src/main/app-services.ts') } }
  }
  const factory = new MainConfigFactory({ ...main, build }, { mode: 'production', configFile: false, logLevel: 'silent' }, {
    root: REPO_ROOT
  })
  const config = (await factory.build(false)) as Record<string, unknown>
  const { build: viteBuild } = await import('vite')
  try {
    await viteBuild({ ...config, configFile: false, logLevel: 'silent' })
  } catch (error) {
    await rm(outDir, { recursive: true, force: true })
    throw error
  }
  const files = mainBundleFiles(outDir)
  const entry = files.find((f) => /^app-services\.c?js$/.test(f.file))
  if (!entry) throw new Error(`building app-services produced no entry (files: ${files.map((f) => f.file).join(', ')})`)
  return { entry: join(outDir, entry.file), files, cleanup: () => rm(outDir, { recursive: true, force: true }) }
}

export interface StartupSample {
  /** require() of the services bundle. */
  loadMs: number
  /** createAppServices() + the answer of app:get-initial-state. */
  initMs: number
  totalMs: number
  /** CPU time of the whole process (all threads) over the same span: the work, whatever else runs. */
  cpuMs: number
  cachedKeys: number
  keytarLoaded: boolean
  sandboxLoaded: boolean
  /** Modules from node_modules that were loaded (none expected: everything but keytar is bundled). */
  externalModules: string[]
}

/**
 * One start-up in a fresh Node process, on a user-data folder prepared by the real services.
 * `control` loads keytar and the sandbox on purpose afterwards (to check the detection).
 */
export async function probeStartup(entry: string, userDataDir: string, control = false): Promise<StartupSample> {
  const { stdout } = await run(process.execPath, [PROBE, entry, userDataDir, ...(control ? ['--control'] : [])], {
    cwd: REPO_ROOT,
    env: { ...process.env, AUTOCALLS_KEYS_QUIET: '1' },
    timeout: 30_000
  })
  return JSON.parse(stdout.trim().split('\n').pop() ?? '') as StartupSample
}
