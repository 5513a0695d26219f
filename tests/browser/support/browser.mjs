// Headless Debian Chromium driven by playwright-core (never a downloaded browser), with the
// flags this machine needs (TOOLCHAIN.md): no sandbox as root, no background networking.
import { createRequire } from 'node:module';
import { resolve } from 'node:path';

const require = createRequire(resolve(import.meta.dirname, '..', '..', '..', 'web', 'package.json'));
const { chromium, devices } = require('playwright-core');
export { devices };

export function launchChromium() {
  return chromium.launch({
    executablePath: process.env.OMNI_CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
