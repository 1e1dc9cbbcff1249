import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'

/**
 * Development only (production refuses to start without real secrets): the OTP key and
 * the JWT signing key are generated once and kept under DATA_DIR, so codes and tokens
 * survive a restart of the embedded server.
 */
export interface DevSecrets {
  otpSecret: Buffer
  jwtPrivateKeyPem: string
}

export async function loadOrCreateDevSecrets(dataDir: string): Promise<DevSecrets> {
  const file = path.join(dataDir, 'dev-secrets.json')
  try {
    const saved = JSON.parse(await readFile(file, 'utf8')) as { otpSecretHex: string; jwtPrivateKeyPem: string }
    return { otpSecret: Buffer.from(saved.otpSecretHex, 'hex'), jwtPrivateKeyPem: saved.jwtPrivateKeyPem }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const otpSecret = randomBytes(32)
  const { privateKey } = generateKeyPairSync('ed25519')
  const jwtPrivateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  await mkdir(dataDir, { recursive: true })
  // 0600: the file holds the keys that sign every development token.
  await writeFile(file, JSON.stringify({ otpSecretHex: otpSecret.toString('hex'), jwtPrivateKeyPem }), { mode: 0o600 })
  return { otpSecret, jwtPrivateKeyPem }
}
