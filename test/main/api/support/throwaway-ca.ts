/**
 * A throwaway certificate authority and a server certificate it signed, made with the `openssl`
 * binary for one test run: an HTTPS server the client trusts only when NODE_EXTRA_CA_CERTS names
 * this CA, as a company's TLS-inspecting firewall or internal CA would be.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface ThrowawayCa {
  /** The CA certificate (PEM) as a file, for NODE_EXTRA_CA_CERTS. */
  caFile: string
  /** The server's key and certificate (PEM), signed by the CA. */
  key: string
  cert: string
  cleanup(): void
}

/** `names` go into the certificate's subjectAltName (DNS names and IP addresses). */
export function makeThrowawayCa(names: { dns: string[]; ip: string[] }): ThrowawayCa {
  const dir = mkdtempSync(join(tmpdir(), 'autocalls-keys-ca-'))
  const file = (name: string) => join(dir, name)
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
  // Config files rather than -subj/-addext: the same on OpenSSL, LibreSSL (macOS) and Git's MSYS
  // openssl (Windows), which would rewrite a "/CN=…" argument as a path.
  const altNames = [...names.dns.map((name) => `DNS:${name}`), ...names.ip.map((ip) => `IP:${ip}`)].join(',')
  const request = (commonName: string, extensions: string) =>
    `[req]\nprompt = no\ndistinguished_name = dn\n[dn]\nCN = ${commonName}\n[ext]\n${extensions}\n`
  try {
    writeFileSync(file('ca.cnf'), request('Autocalls Keys throwaway test CA', 'basicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash'))
    writeFileSync(file('server.cnf'), request(names.dns[0] ?? names.ip[0] ?? 'localhost', ''))
    writeFileSync(file('server.ext'), `subjectAltName = ${altNames}\nbasicConstraints = CA:FALSE\nkeyUsage = critical,digitalSignature\nextendedKeyUsage = serverAuth\n`)
    openssl('req', '-x509', '-config', file('ca.cnf'), '-extensions', 'ext', ...ecKey, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2')
    openssl('req', '-new', '-config', file('server.cnf'), ...ecKey, '-keyout', file('server.key'), '-out', file('server.csr'))
    openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'))
  } catch (error) {
    rmSync(dir, { recursive: true, force: true })
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? ''
    throw new Error(`openssl could not make the test certificates (is the openssl package installed?): ${(error as Error).message}\n${stderr}`)
  }
  return {
    caFile: file('ca.pem'),
    key: readFileSync(file('server.key'), 'utf8'),
    cert: readFileSync(file('server.pem'), 'utf8'),
    cleanup: () => rmSync(dir, { recursive: true, force: true })
  }
}
