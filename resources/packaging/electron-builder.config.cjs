/**
 * electron-builder configuration: `npm run dist:win | dist:mac | dist:linux`.
 * Paths are relative to the project root (electron-builder's project directory).
 * test/electron/packaging-config.test.ts loads this file the way electron-builder does, validates
 * it against electron-builder's own schema and asserts the essentials below, fuses included.
 *
 * @type {import('electron-builder').Configuration}
 */

/**
 * Electron fuses, flipped in the packaged binary (they do not apply to `electron .` in development).
 * https://www.electronjs.org/docs/latest/tutorial/fuses
 */
const electronFuses = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a general-purpose Node.js.
  runAsNode: false,
  // NODE_OPTIONS / NODE_EXTRA_CA_CERTS could inject code or trust into the main process.
  enableNodeOptionsEnvironmentVariable: false,
  // No --inspect / --inspect-brk / SIGUSR1 debugger in release builds.
  enableNodeCliInspectArguments: false,
  // Cookies on disk encrypted with the OS key (the app keeps none, but nothing ships in plain text).
  enableCookieEncryption: true,
  // Code only from app.asar, and app.asar checked against the hash embedded at build time.
  onlyLoadAppFromAsar: true,
  enableEmbeddedAsarIntegrityValidation: true,
  // The renderer is served from app://, never file://: file:// gets no extra privileges.
  grantFileProtocolExtraPrivileges: false,
  loadBrowserProcessSpecificV8Snapshot: false
}

/** keytar ships N-API prebuilds for every platform; each package keeps only its own (signing rejects foreign binaries). */
const keytarOnly = (...platforms) => [
  '!**/node_modules/keytar/build/**',
  '!**/node_modules/keytar/script/**',
  '!**/node_modules/keytar/binding.gyp',
  ...['darwin', 'linux', 'linuxmusl', 'win32'].filter((platform) => !platforms.includes(platform)).map((platform) => `!**/node_modules/keytar/prebuilds/${platform}-*/**`)
]

/**
 * GitHub Releases of this repository: on GitHub Actions the repository the build runs in
 * (GITHUB_REPOSITORY, "owner/name"), so a fork's builds look at the fork's releases; elsewhere
 * the project's own. TODO before the first public release: confirm the default owner/name.
 */
function githubReleases() {
  const [owner, repo] = (process.env.GITHUB_REPOSITORY || 'autocalls/autocalls-keys').split('/')
  return { provider: 'github', owner, repo, releaseType: 'release' }
}

module.exports = {
  appId: 'ai.autocalls.keys',
  productName: 'Autocalls Keys',
  copyright: 'Copyright © ${author}',
  directories: {
    output: 'dist',
    buildResources: 'resources/packaging'
  },
  // The bundles from `electron-vite build` and package.json; production node_modules (keytar) are added by electron-builder.
  files: ['out/**/*', '!out/**/*.map', 'package.json'],
  // Icon for the Linux window and the About panel (process.resourcesPath/icon.png).
  extraResources: [{ from: 'resources/icons/icon.png', to: 'icon.png' }],
  asar: true,
  // Native modules cannot be loaded from inside app.asar.
  asarUnpack: ['**/node_modules/keytar/**/*.node'],
  // keytar uses N-API with prebuilt binaries: nothing to rebuild for Electron, no compiler needed.
  npmRebuild: false,
  electronFuses,
  // Where electron-updater looks for new versions (written into the app as app-update.yml, and
  // into dist/latest*.yml beside the installers). CI builds with `--publish never`; its release
  // job uploads the files to a draft release, which people see once a maintainer publishes it.
  publish: githubReleases(),

  win: {
    target: [{ target: 'nsis', arch: ['x64', 'arm64'] }],
    icon: 'resources/icons/icon.ico',
    artifactName: 'autocalls-keys-${version}-windows-${arch}-setup.${ext}',
    files: keytarOnly('win32')
  },
  nsis: {
    oneClick: false,
    perMachine: false,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    createStartMenuShortcut: true,
    shortcutName: 'Autocalls Keys',
    installerIcon: 'resources/icons/icon.ico',
    uninstallerIcon: 'resources/icons/icon.ico'
  },

  mac: {
    // The dmg is for people to install; electron-updater on macOS (Squirrel.Mac) updates from the zip.
    target: [
      { target: 'dmg', arch: ['x64', 'arm64'] },
      { target: 'zip', arch: ['x64', 'arm64'] }
    ],
    category: 'public.app-category.developer-tools',
    icon: 'resources/icons/icon.icns',
    hardenedRuntime: true,
    gatekeeperAssess: false,
    entitlements: 'resources/packaging/entitlements.mac.plist',
    entitlementsInherit: 'resources/packaging/entitlements.mac.plist',
    darkModeSupport: true,
    artifactName: 'autocalls-keys-${version}-macos-${arch}.${ext}',
    files: keytarOnly('darwin')
  },
  dmg: {
    title: '${productName} ${version}'
  },

  linux: {
    target: ['AppImage', 'deb'],
    category: 'Development',
    icon: 'resources/icons/png',
    executableName: 'autocalls-keys',
    synopsis: 'Manage the API keys of your Autocalls account',
    description: 'Desktop manager for Autocalls API keys, with the credential kept in the system keyring (Secret Service).',
    // TODO before the first public release: a monitored address (deb requires a maintainer e-mail).
    maintainer: 'Autocalls Keys developers <keys@autocalls.ai>',
    artifactName: 'autocalls-keys-${version}-linux-${arch}.${ext}',
    files: keytarOnly('linux', 'linuxmusl')
  },
  deb: {
    // electron-builder's defaults, kept explicit: libsecret-1-0 is what keytar needs for the keyring.
    depends: ['libgtk-3-0', 'libnotify4', 'libnss3', 'libxss1', 'libxtst6', 'xdg-utils', 'libatspi2.0-0', 'libuuid1', 'libsecret-1-0']
  }
}
