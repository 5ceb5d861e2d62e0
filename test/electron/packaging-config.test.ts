/**
 * The electron-builder configuration cannot be built here (that downloads Electron), so it is
 * loaded the way electron-builder loads it, validated against electron-builder's own schema,
 * and its essentials are asserted. The icons it points at are checked to be real images.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { APP_ID, APP_NAME } from '../../src/main/electron/app-identity'

const root = resolve(__dirname, '../..')
const require = createRequire(import.meta.url)
const CONFIG = 'resources/packaging/electron-builder.config.cjs'

// electron-builder's configuration is a deep, loosely typed object: the tests index into it freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Config = Record<string, any>

async function loadLikeElectronBuilder(): Promise<Config> {
  const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
    getConfig: (projectDir: string, configPath: string, fromOptions: null) => Promise<Config>
    validateConfiguration: (config: Config, logger: unknown) => Promise<void>
  }
  const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown }
  const config = await getConfig(root, CONFIG, null)
  await validateConfiguration(config, new DebugLogger(false))
  return config
}

describe('electron-builder configuration', async () => {
  // The assertions read the file as written: electron-builder normalises `files` into FileSet
  // objects in place while loading, so take a copy first. Loading validates it as `--config` would.
  const config = structuredClone(require(join(root, CONFIG))) as Config
  await loadLikeElectronBuilder()
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Config

  it('matches electron-builder’s schema and the app’s identity', () => {
    expect(config['appId']).toBe(APP_ID)
    expect(config['productName']).toBe(APP_NAME)
    expect(packageJson['productName']).toBe(APP_NAME)
    expect(packageJson['main']).toBe('./out/main/index.js')
  })

  it('packages only the build output and package.json, in an asar, with keytar’s native module unpacked', () => {
    expect(config['files']).toEqual(['out/**/*', '!out/**/*.map', 'package.json'])
    expect(config['asar']).toBe(true)
    expect(config['asarUnpack']).toEqual(['**/node_modules/keytar/**/*.node'])
    expect(config['npmRebuild']).toBe(false)
    expect(config['publish']).toEqual({ provider: 'github', owner: expect.any(String), repo: expect.any(String), releaseType: 'release' })
    expect(config['extraResources']).toEqual([{ from: 'resources/icons/icon.png', to: 'icon.png' }])
  })

  it('ships to each platform only that platform’s keytar prebuilds', () => {
    expect(config['win'].files).toContain('!**/node_modules/keytar/prebuilds/darwin-*/**')
    expect(config['win'].files).not.toContain('!**/node_modules/keytar/prebuilds/win32-*/**')
    expect(config['mac'].files).toContain('!**/node_modules/keytar/prebuilds/win32-*/**')
    expect(config['mac'].files).not.toContain('!**/node_modules/keytar/prebuilds/darwin-*/**')
    expect(config['linux'].files).toContain('!**/node_modules/keytar/prebuilds/darwin-*/**')
    expect(config['linux'].files).not.toContain('!**/node_modules/keytar/prebuilds/linux-*/**')
    for (const platform of ['win', 'mac', 'linux']) expect(config[platform].files).toContain('!**/node_modules/keytar/build/**')
  })

  it('sets the fuses', () => {
    expect(config['electronFuses']).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      grantFileProtocolExtraPrivileges: false,
      loadBrowserProcessSpecificV8Snapshot: false
    })
  })

  it('builds an NSIS installer for Windows', () => {
    expect(config['win'].target).toEqual([{ target: 'nsis', arch: ['x64', 'arm64'] }])
    expect(config['win'].icon).toBe('resources/icons/icon.ico')
    expect(config['nsis']).toMatchObject({ oneClick: false, perMachine: false })
  })

  it('builds a signed-ready dmg for macOS with the hardened runtime and minimal entitlements', () => {
    expect(config['mac']).toMatchObject({
      target: [
        { target: 'dmg', arch: ['x64', 'arm64'] },
        { target: 'zip', arch: ['x64', 'arm64'] }
      ],
      hardenedRuntime: true,
      entitlements: 'resources/packaging/entitlements.mac.plist',
      entitlementsInherit: 'resources/packaging/entitlements.mac.plist',
      icon: 'resources/icons/icon.icns',
      category: 'public.app-category.developer-tools'
    })
    const plist = readFileSync(join(root, config['mac'].entitlements), 'utf8').replace(/<!--[\s\S]*?-->/g, '')
    expect([...plist.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1])).toEqual(['com.apple.security.cs.allow-jit'])
  })

  it('builds an AppImage and a deb for Linux, with the keyring library keytar needs', () => {
    expect(config['linux']).toMatchObject({ target: ['AppImage', 'deb'], category: 'Development', icon: 'resources/icons/png', executableName: 'autocalls-keys' })
    expect(config['linux'].maintainer).toMatch(/<[^@>]+@[^>]+>/)
    expect(config['deb'].depends).toContain('libsecret-1-0')
  })

  it('has the npm scripts and no install-app-deps postinstall (keytar is N-API)', () => {
    const scripts = packageJson['scripts'] as Record<string, string>
    for (const [script, flag] of [
      ['dist:win', '--win'],
      ['dist:mac', '--mac'],
      ['dist:linux', '--linux']
    ] as const) {
      expect(scripts[script]).toContain(`electron-builder --config ${CONFIG} ${flag}`)
    }
    expect(JSON.stringify(scripts)).not.toContain('install-app-deps')
  })
})

describe('icons', () => {
  const icons = join(root, 'resources/icons')

  function pngSize(file: string): { width: number; height: number } {
    const data = readFileSync(file)
    expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return { width: data.readUInt32BE(16), height: data.readUInt32BE(20) }
  }

  it('has the PNGs (window, About panel, Linux hicolor sizes)', () => {
    expect(pngSize(join(icons, 'icon.png'))).toEqual({ width: 512, height: 512 })
    expect(pngSize(join(icons, 'icon-256.png'))).toEqual({ width: 256, height: 256 })
    for (const size of [16, 32, 48, 64, 128, 256, 512]) {
      expect(pngSize(join(icons, 'png', `${size}x${size}.png`))).toEqual({ width: size, height: size })
    }
  })

  it('has a Windows .ico with sizes up to 256 px', () => {
    const data = readFileSync(join(icons, 'icon.ico'))
    expect(data.readUInt16LE(0)).toBe(0)
    expect(data.readUInt16LE(2)).toBe(1)
    const count = data.readUInt16LE(4)
    const sizes = Array.from({ length: count }, (_, index) => data[6 + index * 16] || 256)
    expect(sizes).toEqual(expect.arrayContaining([16, 32, 48, 256]))
  })

  it('has a macOS .icns with 512 and 1024 px images', () => {
    const data = readFileSync(join(icons, 'icon.icns'))
    expect(data.subarray(0, 4).toString('latin1')).toBe('icns')
    expect(data.readUInt32BE(4)).toBe(data.length)
    const types: string[] = []
    for (let offset = 8; offset < data.length; offset += data.readUInt32BE(offset + 4)) types.push(data.subarray(offset, offset + 4).toString('latin1'))
    expect(types).toEqual(expect.arrayContaining(['ic09', 'ic10']))
  })

  it('keeps the source SVG and the script that made them', () => {
    expect(existsSync(join(icons, 'icon.svg'))).toBe(true)
    expect(existsSync(join(icons, 'generate.sh'))).toBe(true)
  })
})
