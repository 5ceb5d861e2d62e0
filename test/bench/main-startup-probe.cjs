/*
 * Runs in a fresh Node process: loads the services bundle built from src/main/app-services.ts,
 * builds the services as Electron's main does (default vault: the OS keychain through keytar),
 * answers `app:get-initial-state`, and prints one JSON line with the timings and what got loaded.
 *
 *   node main-startup-probe.cjs <bundle> <userDataDir> [--control]
 *
 * --control: after the timed part, load keytar and start the built-in sandbox on purpose, so the
 * bench can check that the detection below does see them when they are loaded.
 */
'use strict'
const { readFileSync } = require('node:fs')

async function main() {
  const [bundle, userDataDir, mode] = process.argv.slice(2)
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  const { createAppServices } = require(bundle)
  const t1 = performance.now()
  const services = await createAppServices({
    userDataDir,
    clipboard: { writeSecret: async () => {}, readText: async () => '', clear: () => {} },
    events: { emit: () => {} },
    openExternal: async () => {}
  })
  const initial = await services.handlers['app:get-initial-state'](undefined)
  const t2 = performance.now()
  const cpu = process.cpuUsage(cpu0)
  if (!initial.ok) throw new Error(`app:get-initial-state failed: ${initial.error.message}`)

  if (mode === '--control') {
    require('keytar')
    const started = await services.handlers['accounts:add-sandbox'](undefined)
    if (!started.ok) throw new Error(`control: the sandbox did not start: ${started.error.message}`)
  }

  const loaded = Object.keys(require.cache)
  let maps = ''
  try {
    maps = readFileSync('/proc/self/maps', 'utf8')
  } catch {
    // not Linux: require.cache alone says whether keytar was loaded
  }
  const sample = {
    loadMs: t1 - t0,
    initMs: t2 - t1,
    totalMs: t2 - t0,
    cpuMs: (cpu.user + cpu.system) / 1000,
    cachedKeys: initial.value.cachedKeyCount,
    keytarLoaded: loaded.some((path) => /[\\/]keytar[\\/]/.test(path)) || maps.includes('keytar.node'),
    sandboxLoaded: loaded.some((path) => /[\\/](?:chunks[\\/])?sandbox[^\\/]*\.c?js$/.test(path) || /[\\/]src[\\/]sandbox[\\/]/.test(path)),
    externalModules: loaded.filter((path) => path.includes(`${require('node:path').sep}node_modules${require('node:path').sep}`))
  }
  await services.shutdown()
  process.stdout.write(`${JSON.stringify(sample)}\n`)
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`)
  process.exit(1)
})
