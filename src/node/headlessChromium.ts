// Chromium for the browser tests and the browser benchmark (docs/math.md §6): where it is (the
// one the test set-up found: CHROME_PATH, else Debian's /usr/bin/chromium or another system
// location; see chromiumSetup.ts), the flags it needs here (no sandbox as root, no background network on a closed machine,
// WebGPU on SwiftShader when asked), and a free local port for the page server.
import { createServer } from 'node:net';
import { locateChromium, machineView, SYSTEM_CHROMIUM_PATHS } from './chromiumSetup.ts';

/** The browser to launch: CHROME_PATH when set, else the first system Chromium present (else Debian's path, for the error). */
export const CHROMIUM_PATH = locateChromium(machineView())?.path ?? SYSTEM_CHROMIUM_PATHS[0];

const BASE_ARGS = ['--headless', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];
const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan'];

export function chromiumArgs(options: { webgpu: boolean }): string[] {
  return [...BASE_ARGS, ...(options.webgpu ? WEBGPU_ARGS : [])];
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
