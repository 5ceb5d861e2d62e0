/**
 * What needs no account: help, the version, argument errors (and their JSON form), how the
 * command is built and started (the bin, `npm run cli`, no Electron), and that start-up loads
 * nothing heavy until a command needs it.
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMMANDS } from '../../src/cli/command-table'
import { EXIT_CODES_HELP } from '../../src/cli/exit-codes'
import { CLI, cliEnv, FORBID_ELECTRON, ROOT, runCli, assertBuilt, type CliRun } from './support/cli'

let userDataDir: string
const env = () => cliEnv(userDataDir, 'Autocalls Keys test cli usage (never written)')
const run = (args: string[]) => runCli(args, { env: env() })
const packageJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; scripts: Record<string, string> }

beforeAll(async () => {
  assertBuilt()
  userDataDir = await mkdtemp(join(tmpdir(), 'autocalls-cli-usage-'))
})
afterAll(async () => {
  await rm(userDataDir, { recursive: true, force: true })
})

const lastJson = (run: CliRun) => JSON.parse(run.stderr.trim().split('\n').at(-1)!) as { version: number; error: { kind: string; message: string; exitCode: number } }

describe('help and version', () => {
  it('--help lists every command, how the account is chosen, and the exit codes (exit 0, standard output)', async () => {
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.stderr).toBe('')
    for (const command of ['accounts', 'use <account>', 'login', 'logout [account]', 'whoami', 'keys']) expect(help.stdout).toContain(`  ${command}`)
    expect(help.stdout).toContain(EXIT_CODES_HELP)
    expect(help.stdout).toContain('AUTOCALLS_ACCOUNT')
    expect(help.stdout).toContain('NO_COLOR')
    for (const code of ['0    done', '1    usage', '2    not signed in', '3    not found', '4    network or server', '5    the system keychain', '6    a create that gave no usable token']) {
      expect(help.stdout).toContain(code)
    }
  })

  it('each command has its own help with its options', async () => {
    const keys = await run(['keys', '--help'])
    expect(keys.code).toBe(0)
    expect(keys.stdout).toMatch(/list \[options\][\s\S]*create <name>[\s\S]*delete \[options\] <id\.\.\.>/)
    expect(keys.stdout).toMatch(/note \[options\] <id> \[text\][\s\S]*rotate \[options\] <id>[\s\S]*rotations/)
    const rotate = await run(['keys', 'rotate', '--help'])
    for (const flag of ['--name <name>', '--finish', '--force', '--cancel', '--delete-replacement']) expect(rotate.stdout).toContain(flag)
    const note = await run(['keys', 'note', '--help'])
    for (const flag of ['--review-by <date>', '--clear']) expect(note.stdout).toContain(flag)
    const del = await run(['keys', 'delete', '--help'])
    expect(del.stdout).toContain('-y, --yes')
    expect(del.stdout).toContain('--including-own-key')
    expect(del.stdout).toContain('--account <account>') // global options shown too
    const list = await run(['keys', 'list', '--help'])
    expect(list.stdout.replace(/\s+/g, ' ')).toContain('(choices: "in-use", "stale", "never-used", "new")')
    const login = await run(['login', '--help'])
    expect(login.stdout).toContain('never taken from an argument')
  })

  it('--version prints the package version', async () => {
    const version = await run(['--version'])
    expect(version).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` })
  })
})

describe('usage errors: exit 1, a message on standard error, nothing on standard output', () => {
  it.each([
    [['frobnicate'], "Unknown command 'frobnicate'"],
    [['keys', 'list', '--colour'], "Unknown option '--colour'"],
    [['keys', 'create'], "Missing required argument 'name'"],
    [['keys', 'delete'], "Missing required argument 'id'"],
    [['keys', 'list', '--state', 'ancient'], "argument 'ancient' is invalid. Allowed choices are in-use, stale, never-used, new"],
    [['use'], "Missing required argument 'account'"],
    [['whoami', 'extra'], 'Too many arguments'],
    [['keys', 'note'], "Missing required argument 'id'"],
    [['keys', 'rotate'], "Missing required argument 'id'"],
    [['keys', 'rotations', 'extra'], 'Too many arguments']
  ])('%j', async (args, message) => {
    const result = await run(args)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(message)
    const command = COMMANDS.find((spec) => args.join(' ').startsWith(spec.name))
    expect(result.stderr).toContain(`Run \`autocalls-keys ${command ? `${command.name} ` : ''}--help\``)
    const json = await run([...args, '--json'])
    expect(json.code).toBe(1)
    expect(lastJson(json)).toEqual({ version: 1, error: { kind: 'invalid_request', exitCode: 1, message: expect.stringContaining(message) } })
  })

  it.each([
    [['keys', 'note', 'twelve', 'text'], '“twelve” is not a key id: ids are whole numbers, as `autocalls-keys keys list` shows them. Nothing was changed.'],
    [['keys', 'note', '12', 'text', '--clear'], '--clear removes the note and its review date: give it no text and no --review-by. Nothing was changed.'],
    [['keys', 'note', '12', '--clear', '--review-by', '2027-01-01'], '--clear removes the note'],
    [['keys', 'rotate', '0'], '“0” is not a key id'],
    [['keys', 'rotate', '12', '--finish', '--cancel'], 'Choose one of --finish and --cancel. Nothing was changed.'],
    [['keys', 'rotate', '12', '--force'], '--force goes with --finish'],
    [['keys', 'rotate', '12', '--cancel', '--force'], '--force goes with --finish'],
    [['keys', 'rotate', '12', '--finish', '--delete-replacement'], '--delete-replacement goes with --cancel'],
    [['keys', 'rotate', '12', '--finish', '--name', 'x'], '--name names the replacement when a rotation starts']
  ])('%j: checked before any account or file is opened', async (args, message) => {
    const result = await run(args)
    expect(result.code, result.stderr).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain(`error: ${message}`)
    const json = await run([...args, '--json'])
    expect(lastJson(json)).toEqual({ version: 1, error: { kind: 'invalid_request', exitCode: 1, message: expect.stringContaining(message) } })
    // Nothing was opened, so nothing was written: the state file does not exist.
    await expect(readFile(join(userDataDir, 'autocalls-keys-state.json'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('no command, or a group without its subcommand: the help on standard error, exit 1', async () => {
    for (const args of [[], ['keys']]) {
      const result = await run(args)
      expect(result.code).toBe(1)
      expect(result.stdout).toBe('')
      expect(result.stderr).toContain('Usage: autocalls-keys')
    }
  })

  it('an option that looks like a credential is never echoed (the redaction covers every line on standard error)', async () => {
    const secret = 'Zx81kQ2m4Vb7Np0Lr5Ts9Wc3Yd6Fh1Jg8Ka2Mb4N'
    const result = await run(['login', `--api-key=12|${secret}`])
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('Unknown option')
    expect(result.stderr).not.toContain(secret)
  })
})

describe('how it is built and started', () => {
  it('the bin is out/main/cli.js, a Node program with its shebang, runnable as is', () => {
    expect(packageJson.bin).toEqual({ 'autocalls-keys': 'out/main/cli.js' })
    expect(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true)
    // The desktop app's entry has no shebang (the banner is for the command line's chunk only).
    expect(readFileSync(join(dirname(CLI), 'index.js'), 'utf8').startsWith('#!')).toBe(false)
    if (process.platform !== 'win32') {
      const direct = spawnSync(CLI, ['--version'], { env: env(), encoding: 'utf8' })
      expect(direct.stdout).toBe(`${packageJson.version}\n`)
    }
  })

  it('nothing the built command line can load imports electron', () => {
    const seen = new Set<string>()
    const visit = (file: string) => {
      if (seen.has(file)) return
      seen.add(file)
      const code = readFileSync(file, 'utf8')
      expect([file, /require\(["']electron(?:\/[^"']*)?["']\)/.test(code)]).toEqual([file, false])
      for (const [, relative] of code.matchAll(/require\(["'](\.{1,2}\/[^"']+)["']\)/g)) visit(join(dirname(file), relative!))
    }
    visit(CLI)
    expect(seen.size).toBeGreaterThan(5) // the command modules and the services' chunks were followed
    expect([...seen].some((file) => /app-services/.test(file))).toBe(true)
  })

  it('`npm run cli -- <args>` runs the sources from a checkout (tsx), Electron forbidden', () => {
    expect(packageJson.scripts['cli']).toBe('tsx src/cli/index.ts')
    const tsx = join(ROOT, 'node_modules/tsx/dist/cli.mjs')
    const result = spawnSync(process.execPath, ['--require', FORBID_ELECTRON, tsx, 'src/cli/index.ts', 'accounts', '--json'], { cwd: ROOT, env: env(), encoding: 'utf8' })
    expect(result.stderr).toBe('')
    expect(result.status).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({ version: 1, defaultAccountId: null, accounts: [] })
  })
})

describe('start-up loads only what the command needs', () => {
  const loads = async (args: string[]): Promise<string[]> => {
    const file = join(userDataDir, `loads-${Math.random().toString(36).slice(2)}.json`)
    const result = spawnSync(process.execPath, ['--require', join(__dirname, 'support/record-loads.cjs'), '--require', FORBID_ELECTRON, CLI, ...args], {
      env: { ...env(), AUTOCALLS_TEST_LOADS_FILE: file },
      encoding: 'utf8'
    })
    expect(result.status, result.stderr).toBe(0)
    return JSON.parse(await readFile(file, 'utf8')) as string[]
  }

  it('--help loads neither the services (zod), nor keytar, nor a command module', async () => {
    const loaded = await loads(['--help'])
    expect(loaded.filter((file) => /app-services|keytar|zod|proper-lockfile|string-width|chunks[\\/](?:accounts|keys-|login|logout|use|whoami)/.test(file))).toEqual([])
  })

  it('accounts (no network) loads the services but not keytar: no credential is read', async () => {
    const loaded = await loads(['accounts', '--json'])
    expect(loaded.some((file) => /app-services/.test(file))).toBe(true)
    expect(loaded.filter((file) => /keytar/.test(file))).toEqual([])
  })
})
