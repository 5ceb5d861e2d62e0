/**
 * The preload: exposes the small named API from the shared contract as `window.autocalls`.
 * Never ipcRenderer itself, and never the Electron event object to the page's listeners.
 */
import { contextBridge, ipcRenderer } from 'electron'
import { BRIDGE_GLOBAL, createAutocallsApi } from '../shared/bridge-api'
import type { Invoke, Subscribe } from '../shared/ipc-contract'

const invoke: Invoke = (channel, request) => ipcRenderer.invoke(channel, request)

const subscribe: Subscribe = (channel, listener) => {
  const forward = (_event: Electron.IpcRendererEvent, payload: Parameters<typeof listener>[0]) => listener(payload)
  ipcRenderer.on(channel, forward)
  return () => {
    ipcRenderer.removeListener(channel, forward)
  }
}

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createAutocallsApi(invoke, subscribe))
