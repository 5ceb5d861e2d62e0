// Preloaded (--require) into every command-line process the tests start: the command line runs
// on plain Node, so any attempt to load Electron fails the run loudly.
const Module = require('node:module')
const load = Module._load
Module._load = function (request, ...rest) {
  if (request === 'electron' || request.startsWith('electron/')) throw new Error(`autocalls-keys loaded "${request}": the command line must not need Electron`)
  return load.call(this, request, ...rest)
}
