/**
 * .github/workflows/ci.yml runs only on GitHub's runners (they can download Electron; this machine
 * cannot), so `npm test` checks it the two ways that work here: actionlint finds no error in it and
 * does find each error planted in a broken copy; and the parsed workflow does what issue 12 asks,
 * cross-checked against package.json and .ci/run so that a renamed script or a new system package
 * shows up here rather than on a runner.
 */
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { lintWorkflow } from './actionlint'

const root = resolve(__dirname, '../..')
const WORKFLOW = '.github/workflows/ci.yml'
const source = readFileSync(join(root, WORKFLOW), 'utf8')

interface Step {
  name?: string
  uses?: string
  run?: string
  if?: string
  with?: Record<string, unknown>
  env?: Record<string, string>
}
interface Job {
  'runs-on': string
  'timeout-minutes'?: number
  permissions?: Record<string, string>
  needs?: string | string[]
  if?: string
  strategy?: { 'fail-fast'?: boolean; matrix: { include: Array<Record<string, string>> } }
  steps: Step[]
}
interface Workflow {
  on: Record<string, unknown>
  permissions: Record<string, string>
  concurrency: Record<string, unknown>
  jobs: Record<string, Job>
}

describe('actionlint on the CI workflow', () => {
  it('finds no error in it', async () => {
    expect(await lintWorkflow(source, WORKFLOW)).toEqual([])
  })

  // Each copy plants one mistake in the real file; actionlint must report exactly that one.
  const broken: Array<{ mistake: string; from: string | RegExp; to: string; kind: string; message: RegExp }> = [
    { mistake: 'an unknown runs-on label', from: '- os: macos-latest', to: '- os: macos-lastest', kind: 'runner-label', message: /^label "macos-lastest" is unknown/ },
    {
      mistake: 'a matrix property that does not exist',
      from: 'dist:${{ matrix.dist }} --',
      to: 'dist:${{ matrix.distro }} --',
      kind: 'expression',
      message: /^property "distro" is not defined/
    },
    {
      mistake: 'an expression that does not parse',
      from: "if: startsWith(github.ref, 'refs/tags/v')\n    needs",
      to: "if: startsWith(github.ref, 'refs/tags/v' ||)\n    needs",
      kind: 'expression',
      message: /^unexpected token "\)"/
    },
    { mistake: 'a job without steps', from: /(\n {2}release:\n[\s\S]*?)\n {4}steps:\n[\s\S]*$/, to: '$1\n', kind: 'syntax-check', message: /^"steps" section is missing in job "release"/ },
    { mistake: 'needs naming no job', from: 'needs: build', to: 'needs: biuld', kind: 'job-needs', message: /needs job "biuld" which does not exist/ },
    { mistake: 'an action too old for the runners', from: 'actions/checkout@v7', to: 'actions/checkout@v2', kind: 'action', message: /"actions\/checkout@v2" action is too old/ }
  ]

  it.each(broken)('reports $mistake', async ({ from, to, kind, message }) => {
    const copy = source.replace(from, to)
    expect(copy, 'the planted mistake must change the file').not.toBe(source)
    expect(await lintWorkflow(copy, WORKFLOW)).toEqual([expect.objectContaining({ kind, message: expect.stringMatching(message) })])
  })
})

describe('what the CI workflow runs', () => {
  const workflow = parse(source) as Workflow
  const packageJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string>; engines: { node: string } }
  const build = workflow.jobs['build']!
  const legs = build.strategy!.matrix.include
  const runs = build.steps.map((step) => step.run ?? '')
  const stepIndex = (pattern: RegExp) => runs.findIndex((run) => pattern.test(run))

  it('runs for main, version tags and pull requests, read-only unless releasing', () => {
    expect(workflow.on['push']).toEqual({ branches: ['main'], tags: ['v*'] })
    expect(workflow.on).toHaveProperty('pull_request')
    expect(workflow.permissions).toEqual({ contents: 'read' })
    const elevated = Object.entries(workflow.jobs).filter(([, job]) => job.permissions)
    expect(elevated).toEqual([['release', expect.objectContaining({ permissions: { contents: 'write' } })]])
    expect(workflow.concurrency['group']).toContain('github.ref')
  })

  it('builds on Ubuntu, macOS and Windows with Node 22 through the dist script of each', () => {
    expect(build['runs-on']).toBe('${{ matrix.os }}')
    expect(build.strategy!['fail-fast']).toBe(false)
    const packaging = legs.filter((leg) => leg['dist'])
    expect(packaging.map((leg) => [leg['os'], leg['node'], leg['dist']])).toEqual([
      ['ubuntu-latest', '22', 'linux'],
      ['macos-latest', '22', 'mac'],
      ['windows-latest', '22', 'win']
    ])
    // `npm run dist:<os> -- --publish never` appends to the script, so electron-builder must come last.
    for (const leg of packaging) expect(packageJson.scripts[`dist:${leg['dist']}`]).toMatch(/&& electron-builder [^&]*--(win|mac|linux)$/)
    for (const leg of legs) expect(leg['chrome'], `${leg['os']} names a browser for the e2e tests`).toBeTruthy()
  })

  it('also tests on the oldest Node that package.json allows', () => {
    const floor = /^>=(\d+\.\d+)\.0$/.exec(packageJson.engines.node)?.[1]
    expect(floor).toBeDefined()
    expect(legs).toContainEqual(expect.objectContaining({ os: 'ubuntu-latest', node: floor }))
    expect(legs.find((leg) => leg['node'] === floor)).not.toHaveProperty('dist')
  })

  it('installs, tests, drives the real Electron and packages, in that order', () => {
    const order = [/^npm ci\b/, /^npm test$/, /^npx --no install-electron$/, /npm run test:electron/, /^npm run dist:/].map(stepIndex)
    expect(order.every((index) => index >= 0)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)

    const smoke = build.steps.filter((step) => step.run?.includes('npm run test:electron'))
    expect(smoke).toHaveLength(2)
    for (const step of smoke) expect(step.env, 'a missing binary must fail, not skip').toEqual({ AUTOCALLS_REQUIRE_ELECTRON: '1' })
    const onLinux = smoke.find((step) => step.if === "matrix.dist == 'linux'")
    expect(onLinux?.run).toMatch(/^xvfb-run -a dbus-run-session -- bash -c /m)
    expect(onLinux?.run).toContain('gnome-keyring-daemon --unlock --components=secrets')

    expect(runs[order[4]!]).toMatch(/^npm run dist:\$\{\{ matrix\.dist \}\} -- --publish never\n/)
    const upload = build.steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'))
    expect(upload?.with).toMatchObject({ name: 'installers-${{ matrix.dist }}', 'if-no-files-found': 'error' })
    expect(String(upload?.with?.['path'])).toContain('${{ matrix.installers }}')
  })

  it('installs on Linux the system packages that .ci/run installs, but Debian’s chromium', () => {
    const ciPackages = /^packages=\(([^)]*)\)/m.exec(readFileSync(join(root, '.ci/run'), 'utf8'))?.[1]?.split(/\s+/).filter(Boolean)
    expect(ciPackages).toContain('gnome-keyring')
    const apt = runs.find((run) => run.includes('apt-get install')) ?? ''
    const installed = apt.replace(/\\\n/g, ' ').split(/\s+/)
    for (const name of ciPackages!.filter((name) => name !== 'chromium')) expect(installed, name).toContain(name)
    expect(installed).toContain('xvfb')
  })

  it('drafts a release only from a version tag, after every leg passed', () => {
    const release = workflow.jobs['release']!
    expect(release.if).toBe("startsWith(github.ref, 'refs/tags/v')")
    expect(release.needs).toBe('build')
    expect(release.steps.map((step) => step.run ?? '').join('\n')).toMatch(/gh release create "\$GITHUB_REF_NAME" release\/\* [^]*--draft/)
  })

  it('pins every action to a major version and gives every job a timeout', () => {
    const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.flatMap((step) => (step.uses ? [step.uses] : [])))
    expect(uses.length).toBeGreaterThan(0)
    for (const action of uses) expect(action).toMatch(/^[\w-]+\/[\w-]+@v\d+$/)
    for (const [name, job] of Object.entries(workflow.jobs)) expect(job['timeout-minutes'], name).toBeGreaterThan(0)
  })
})
