/**
 * Renderer bundle size: gzip of every JS and CSS file the window loads at start (out/renderer),
 * against the floor: a bare React 19 page (`createRoot(...).render(<h1>Hello</h1>)`) built the
 * same way: the renderer section of electron.vite.config.ts resolved through electron-vite's own
 * renderer preset (same Vite, same @vitejs/plugin-react, same Chrome target, same `minify`),
 * with only the source and output folders swapped, into a temp folder.
 *
 * "Loads at start" = the files index.html references plus everything they import statically,
 * transitively. Chunks reached only through a dynamic import() load lazily; they are listed
 * apart and not counted. Each file is gzipped on its own with zlib at level 9, as a server or
 * an installer would compress it.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { gzipSync } from 'node:zlib'

export const GZIP_LEVEL = 9
const REPO_ROOT = resolve(__dirname, '../..')

export interface BundleFile {
  file: string
  bytes: number
  gzip: number
}

export interface BundleSize {
  /** Files loaded at start, relative to the build folder. */
  files: BundleFile[]
  bytes: number
  gzip: number
  /** Chunks only reachable through a dynamic import (not counted). */
  lazy: BundleFile[]
}

const gzipSize = (content: Buffer): number => gzipSync(content, { level: GZIP_LEVEL }).length

/** What index.html in `buildDir` makes the window load, following static imports. */
export function measureBuiltPage(buildDir: string): BundleSize {
  const html = readFileSync(join(buildDir, 'index.html'), 'utf8')
  const start = new Set<string>()
  const queue: string[] = []
  const add = (file: string) => {
    if (start.has(file)) return
    start.add(file)
    queue.push(file)
  }
  for (const match of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"[^>]*>/gi)) {
    const tag = match[0]
    const url = match[1] as string
    if (/^(?:[a-z]+:)?\/\//i.test(url) || url.startsWith('data:')) continue
    if (tag.startsWith('<link') && !/rel="(?:stylesheet|modulepreload)"/i.test(tag)) continue
    add(resolve(buildDir, url))
  }
  const lazyCandidates = new Set<string>()
  while (queue.length > 0) {
    const file = queue.shift() as string
    if (!file.endsWith('.js')) continue
    const code = readFileSync(file, 'utf8')
    // Static imports and re-exports: `import x from "./a.js"`, `import "./a.js"`, `export * from "./a.js"`.
    for (const m of code.matchAll(/(?:^|[;\n}])\s*(?:import|export)\s*(?:[\w*${},\s]+from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      add(resolve(dirname(file), m[1] as string))
    }
    for (const m of code.matchAll(/\bimport\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g)) lazyCandidates.add(resolve(dirname(file), m[1] as string))
  }
  const describe = (file: string): BundleFile => {
    const content = readFileSync(file)
    return { file: relative(buildDir, file), bytes: content.length, gzip: gzipSize(content) }
  }
  const files = [...start].filter((f) => /\.(?:js|css)$/.test(f)).map(describe)
  // Everything else under assets/ that is JS or CSS is lazy (dynamic import or a CSS chunk of one).
  const assets = join(buildDir, 'assets')
  const others = existsSync(assets)
    ? readdirSync(assets, { recursive: true })
        .map((name) => join(assets, String(name)))
        .filter((f) => /\.(?:js|css)$/.test(f) && statSync(f).isFile() && !start.has(f))
    : []
  for (const file of lazyCandidates) if (!start.has(file) && !others.includes(file) && existsSync(file)) others.push(file)
  return {
    files,
    bytes: files.reduce((sum, f) => sum + f.bytes, 0),
    gzip: files.reduce((sum, f) => sum + f.gzip, 0),
    lazy: others.map(describe)
  }
}

type ViteConfig = Record<string, unknown>

/** The renderer section of electron.vite.config.ts, loaded afresh (its plugin instances are per build). */
async function projectRendererConfig(): Promise<ViteConfig> {
  const { loadConfigFromFile } = await import('electron-vite')
  const loaded = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(REPO_ROOT, 'electron.vite.config.ts'), REPO_ROOT, 'silent', true)
  const renderer = (loaded.config as { renderer?: ViteConfig }).renderer
  if (!renderer) throw new Error('electron.vite.config.ts has no renderer section')
  return renderer
}

/** Whether electron.vite.config.ts minifies the renderer (electron-vite's own default is not to). */
export async function rendererIsMinified(): Promise<boolean> {
  const build = (await projectRendererConfig())['build'] as { minify?: unknown } | undefined
  return build?.minify !== undefined && build.minify !== false
}

/**
 * A renderer config resolved exactly as `electron-vite build` resolves it (its renderer preset:
 * Chrome target of the installed Electron, its `minify` default, …), with build overrides.
 */
async function resolveRendererBuild(rendererConfig: ViteConfig, root: string, build: Record<string, unknown>): Promise<ViteConfig> {
  const { RendererConfigFactory } = await import('electron-vite')
  const config = { ...rendererConfig, build: { ...((rendererConfig['build'] as object | undefined) ?? {}), ...build } }
  const factory = new RendererConfigFactory(config, { mode: 'production', configFile: false, logLevel: 'silent' }, { root })
  return (await factory.build(false)) as ViteConfig
}

async function viteBuild(config: ViteConfig): Promise<void> {
  const { build } = await import('vite')
  await build({ ...config, configFile: false, logLevel: 'silent' })
}

export interface TempBuild {
  dir: string
  cleanup(): Promise<void>
}

/**
 * Builds the bare React page into a folder under os.tmpdir() with the app's own renderer config
 * (electron.vite.config.ts: same plugins, same build options, through electron-vite's preset);
 * only the source folder and the output folder differ. `react` and `react-dom` resolve from the
 * project's node_modules (linked into the temp folder): the very same copies as the app's.
 * `build` overrides build options in both, e.g. `{ minify: true }` to see what minifying gives.
 */
export async function buildFloor(build: Record<string, unknown> = {}): Promise<TempBuild> {
  const base = await mkdtemp(join(tmpdir(), 'autocalls-bench-floor-'))
  const rendererRoot = join(base, 'src', 'renderer')
  await mkdir(rendererRoot, { recursive: true })
  await symlink(join(REPO_ROOT, 'node_modules'), join(base, 'node_modules'), 'dir')
  await writeFile(
    join(rendererRoot, 'index.html'),
    '<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <title>Floor</title>\n  </head>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="./main.jsx"></script>\n  </body>\n</html>\n'
  )
  await writeFile(
    join(rendererRoot, 'main.jsx'),
    "import { createRoot } from 'react-dom/client'\n\ncreateRoot(document.getElementById('root')).render(<h1>Hello</h1>)\n"
  )
  return buildIntoTemp(base, rendererRoot, base, build)
}

/** The app's renderer built from electron.vite.config.ts with build overrides, into a temp folder. */
export function buildAppRendererVariant(build: Record<string, unknown>): Promise<TempBuild> {
  return buildRendererSource(join(REPO_ROOT, 'src/renderer'), build)
}

/**
 * Builds the renderer whose index.html is in `rendererRoot` (the app's src/renderer, or a modified
 * copy laid out as <folder>/src/renderer for an experiment) with the project's renderer config and
 * build overrides, into a temp folder.
 */
export async function buildRendererSource(rendererRoot: string, build: Record<string, unknown>): Promise<TempBuild> {
  const base = await mkdtemp(join(tmpdir(), 'autocalls-bench-renderer-'))
  return buildIntoTemp(base, rendererRoot, resolve(rendererRoot, '../..'), build)
}

/** Builds `rendererRoot` with the project's renderer config into `<base>/out`; removes `base` if the build fails. */
async function buildIntoTemp(base: string, rendererRoot: string, projectRoot: string, build: Record<string, unknown>): Promise<TempBuild> {
  const outDir = join(base, 'out')
  const cleanup = () => rm(base, { recursive: true, force: true })
  try {
    const config = await resolveRendererBuild({ ...(await projectRendererConfig()), root: rendererRoot }, projectRoot, {
      ...build,
      outDir,
      emptyOutDir: true
    })
    await viteBuild(config)
  } catch (error) {
    await cleanup()
    throw error
  }
  return { dir: outDir, cleanup }
}
