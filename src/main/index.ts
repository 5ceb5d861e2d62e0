// Placeholder entry point: the Electron shell (window, protocol, menu) is built on top of this.
import { app, BrowserWindow, clipboard, ipcMain, shell } from 'electron'
import { join } from 'node:path'
import { createAppServices } from './app-services'
import { INVOKE_CHANNELS } from '../shared/ipc-contract'

app.whenReady().then(async () => {
  const services = await createAppServices({
    userDataDir: app.getPath('userData'),
    clipboard: { writeSecret: (t) => clipboard.writeText(t), readText: () => clipboard.readText(), clear: () => clipboard.clear() },
    events: { emit: (channel, payload) => BrowserWindow.getAllWindows().forEach((w) => w.webContents.send(channel, payload)) },
    openExternal: (url) => shell.openExternal(url)
  })
  for (const channel of INVOKE_CHANNELS) ipcMain.handle(channel, (_event, request: unknown) => services.handlers[channel](request))
  const win = new BrowserWindow({
    webPreferences: { preload: join(__dirname, '../preload/index.js'), contextIsolation: true, sandbox: true, nodeIntegration: false }
  })
  await win.loadFile(join(__dirname, '../renderer/index.html'))
})
