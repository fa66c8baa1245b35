// Provisions the real peers the suite drives, once per `npm test`: Debian's `prometheus` (with
// promtool), `prometheus-alertmanager` and `chromium` (the console's browser tests). Installs them with apt-get when missing and allowed
// (root on Debian); otherwise stops at once with the one command to run.
import { execFileSync, spawnSync } from 'node:child_process';

/** Binaries the tests run, and the Debian package that has each. */
const PEERS: ReadonlyArray<{ bin: string; pkg: string }> = [
  { bin: 'prometheus', pkg: 'prometheus' },
  { bin: 'promtool', pkg: 'prometheus' },
  { bin: 'prometheus-alertmanager', pkg: 'prometheus-alertmanager' },
  { bin: 'chromium', pkg: 'chromium' },
];

function has(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

export default function setup(): void {
  const missing = [...new Set(PEERS.filter((p) => !has(p.bin)).map((p) => p.pkg))];
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && has('apt-get') && process.env.OUTRIDER_NO_INSTALL !== '1';
  if (!canInstall) {
    throw new Error(`the tests need Debian's ${missing.join(' and ')}; install ${missing.length > 1 ? 'them' : 'it'} once with: sudo ${command}`);
  }
  process.stderr.write(`test setup: installing ${missing.join(', ')} (Debian packages the tests drive)…\n`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
    execFileSync('sh', ['-c', `${command} -qq`], { stdio: ['ignore', 'ignore', 'inherit'], env });
  } catch (err) {
    throw new Error(`installing ${missing.join(', ')} failed (${(err as Error).message.split('\n')[0]}); run: ${command}`);
  }
  const still = PEERS.filter((p) => !has(p.bin)).map((p) => p.bin);
  if (still.length) throw new Error(`after installing, still missing: ${still.join(', ')}`);
}
