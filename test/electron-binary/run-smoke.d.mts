/** Types of the smoke test's exports (the script is plain ESM so that it runs with bare `node`). */
export declare function locateElectronBinary(): { present: true; path: string } | { present: false; reason: string }
export declare const CONCEALED_FORMATS: Record<'win32' | 'darwin' | 'linux', Record<string, string | null>>
