// Preloaded (--require): records every file the process loads with require(), and writes the
// list to $AUTOCALLS_TEST_LOADS_FILE at exit, to prove what start-up does not pay for.
const Module = require('node:module')
const { writeFileSync } = require('node:fs')
const loaded = new Set()
const load = Module._load
Module._load = function (request, parent, ...rest) {
  try {
    loaded.add(Module._resolveFilename(request, parent))
  } catch {
    loaded.add(request)
  }
  return load.call(this, request, parent, ...rest)
}
process.on('exit', () => writeFileSync(process.env.AUTOCALLS_TEST_LOADS_FILE, JSON.stringify([...loaded])))
