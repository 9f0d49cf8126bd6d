import 'reflect-metadata'; // @peculiar/x509's own dependency injection needs it, also outside Nest
import { Injectable } from '@nestjs/common';
import * as x509 from '@peculiar/x509';
import { createHmac, randomBytes, webcrypto } from 'node:crypto';
import { chmod, link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { scramVerifier } from './scram-verifier';

type CryptoKey = webcrypto.CryptoKey;
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY = 24 * 3600 * 1000;
/** Sandboxes live hours, not years; a pool entry or a long session still fits comfortably. */
const LEAF_DAYS = 90;
const CA_DAYS = 3650;
const FILE = 'authority.json';

/** What the controller keeps: the CA and the key every sandbox password is derived from. */
interface Stored {
  caKeyPkcs8: string;
  caCertPem: string;
  passwordKey: string;
}

/** Handed to one sandbox at start (a swarm secret): its key and certificate, and its roles' SCRAM verifiers. */
export interface SandboxCredentials {
  /** The name on its certificate, which the controller verifies (`verify-full`); unique per sandbox. */
  servername: string;
  /**
   * One file: the key (PKCS#8 PEM), the certificate (PEM), then `pgsbx-scram ROLE VERIFIER` lines.
   * Postgres reads it as both ssl_key_file and ssl_cert_file (OpenSSL skips the other PEM blocks),
   * the image's entrypoint reads the verifiers from it (images/postgres/entrypoint.sh).
   */
  bundle: string;
}

/**
 * The certificate authority of the swarm data path (docs/SWARM.md "The data path"). Made on first
 * use and kept in SANDBOX_CA_DIR (0700, one 0600 file): the CA signs one certificate per sandbox,
 * with a random name, and the controller trusts nothing else. Each sandbox's passwords are
 * HMAC(key, role, name): random to anyone without the key, and any controller holding the key
 * finds them again after a restart, without a database of passwords.
 */
@Injectable()
export class SandboxAuthority {
  private loaded: Promise<{ stored: Stored; caKey: CryptoKey; caCert: x509.X509Certificate }> | undefined;

  constructor(private readonly config: AppConfig) {}

  /** The CA certificate (PEM) a connection verifies the sandbox's certificate against. */
  async caPem(): Promise<string> {
    return (await this.load()).stored.caCertPem;
  }

  /** The CA certificate as a file (for libpq's sslrootcert), written beside the authority once. */
  async caFile(): Promise<string> {
    const pem = await this.caPem();
    const path = join(this.config.caDir, 'ca.crt');
    const current = await readFile(path, 'utf8').catch(() => '');
    if (current !== pem) {
      const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
      await writeFile(tmp, pem, { mode: 0o644 });
      await rename(tmp, path);
    }
    return path;
  }

  /** A fresh key, a certificate for a new random name, and the verifiers of that name's passwords. */
  async issue(): Promise<SandboxCredentials> {
    const { stored, caKey, caCert } = await this.load();
    const servername = `${randomBytes(12).toString('hex')}.sandbox.pgsbx`;
    const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomBytes(16)
        .toString('hex')
        .replace(/^[89a-f]/, '1'),
      subject: `CN=${servername}`,
      issuer: caCert.subject,
      notBefore: new Date(now - 5 * 60_000), // nodes' clocks drift a little
      notAfter: new Date(now + LEAF_DAYS * DAY),
      publicKey: keys.publicKey,
      signingKey: caKey,
      signingAlgorithm: SIGNING,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: 'dns', value: servername }]),
      ],
    });
    const keyPem = x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY');
    const verifiers = (['sandbox', 'pgsbx_admin'] as const).map(
      (role) => `pgsbx-scram ${role} ${scramVerifier(this.passwordWith(stored, role, servername))}`,
    );
    return { servername, bundle: [keyPem, cert.toString('pem'), ...verifiers, ''].join('\n') };
  }

  /** The password of `role` in the sandbox whose certificate names `servername`. */
  async password(role: string, servername: string): Promise<string> {
    return this.passwordWith((await this.load()).stored, role, servername);
  }

  private passwordWith(stored: Stored, role: string, servername: string): string {
    return createHmac('sha256', Buffer.from(stored.passwordKey, 'hex')).update(`${role}\0${servername}`).digest('base64url');
  }

  private load(): Promise<{ stored: Stored; caKey: CryptoKey; caCert: x509.X509Certificate }> {
    this.loaded ??= this.readOrCreate().then(async (stored) => ({
      stored,
      caKey: await webcrypto.subtle.importKey('pkcs8', x509.PemConverter.decodeFirst(stored.caKeyPkcs8), EC, false, ['sign']),
      caCert: new x509.X509Certificate(stored.caCertPem),
    }));
    this.loaded.catch(() => (this.loaded = undefined)); // a failed read is tried again next time
    return this.loaded;
  }

  /** Reads the authority, or makes it: written aside, then linked into place, so two controllers starting at once agree. */
  private async readOrCreate(): Promise<Stored> {
    const dir = this.config.caDir;
    const path = join(dir, FILE);
    try {
      return JSON.parse(await readFile(path, 'utf8')) as Stored;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    await chmod(dir, 0o700);
    const fresh = await createAuthority();
    const tmp = join(dir, `.${FILE}.${process.pid}.${randomBytes(4).toString('hex')}`);
    await writeFile(tmp, JSON.stringify(fresh), { mode: 0o600, flag: 'wx' });
    try {
      await link(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      await rm(tmp, { force: true });
    }
    return JSON.parse(await readFile(path, 'utf8')) as Stored;
  }
}

async function createAuthority(): Promise<Stored> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=pgsbx sandbox CA ${randomBytes(4).toString('hex')}`,
    notBefore: new Date(now - 5 * 60_000),
    notAfter: new Date(now + CA_DAYS * DAY),
    keys,
    signingAlgorithm: SIGNING,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return {
    caKeyPkcs8: x509.PemConverter.encode(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey), 'PRIVATE KEY'),
    caCertPem: cert.toString('pem'),
    passwordKey: randomBytes(32).toString('hex'),
  };
}
