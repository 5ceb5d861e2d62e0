/// <reference types="vite/client" />
import type { AutocallsApi } from '../../shared/bridge-api'

declare global {
  interface Window {
    /** Exposed by the preload (or the browser preview's stand-in). */
    autocalls: AutocallsApi
  }
}
