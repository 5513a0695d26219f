// A real WebKit (Safari's engine) for browser tests: Debian's WebKitGTK MiniBrowser driven through
// WebKitWebDriver, a W3C WebDriver server spoken to over loopback HTTP with fetch (Playwright
// cannot drive this WebKit). WebKitGTK needs an X display; startDisplay() runs a private Xvfb.
//
// Contract: every call returns a promise and rejects with an Error naming the WebDriver command
// and the driver's own error and message. Each Session is a fresh MiniBrowser whose storage
// (IndexedDB, localStorage, cookies) starts empty and is shared by all of its windows, as a
// Playwright browser context's is. Only loopback is contacted. Session.delete() is safe to call
// more than once; a driver's stop() deletes the sessions still open. Not for concurrent use of
// one session (WebDriver runs one command at a time per session).
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';

export const miniBrowser = process.env.OMNI_MINIBROWSER ||
  '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

const isExecutable = (path) => {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

// The path of an executable named `name` on PATH, or null.
export function which(name) {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  for (const dir of (process.env.PATH || '').split(delimiter)) {
    if (dir && isExecutable(join(dir, name))) return join(dir, name);
  }
  return null;
}

// Why WebKit cannot run here (for a test's `skip`), or null when it can. Only a missing driver
// skips: with the driver installed, a missing Xvfb or MiniBrowser is a broken install and fails.
export function webkitUnavailable() {
  return which('WebKitWebDriver') ? null : 'WebKitWebDriver is not installed (Debian package webkit2gtk-driver)';
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A helper process must not outlive the test run, even one that ends without its after() hook.
function killOnExit(child) {
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  child.once('exit', () => process.removeListener('exit', kill));
}

function stopChild(child, signal = 'SIGTERM') {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  // A process that ignores SIGTERM for 5 s is killed outright.
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  return exited.finally(() => clearTimeout(timer));
}

// A private X server: Xvfb chooses a free display number itself (-displayfd) and writes it once
// it accepts connections, so there is neither a guessed number nor a poll. No TCP listener.
export async function startDisplay() {
  const child = spawn('Xvfb', ['-displayfd', '3', '-nolisten', 'tcp', '-screen', '0', '1280x1024x24'], {
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  killOnExit(child);
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const display = await new Promise((resolve, reject) => {
    let written = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not start within 10 s: ' + stderr)), 10000);
    child.stdio[3].on('data', (chunk) => {
      written += chunk;
      if (written.includes('\n')) {
        clearTimeout(timer);
        resolve(':' + written.trim());
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot run Xvfb (Debian package xvfb): ${error.message}`));
    });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`Xvfb exited with ${code}: ${stderr}`)); });
  });
  return { display, stop: () => stopChild(child) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

class WebDriverError extends Error {
  constructor(command, status, value) {
    const detail = value && typeof value === 'object' ? `${value.error}: ${value.message}` : String(value);
    super(`WebDriver ${command} failed (HTTP ${status}) ${detail}`);
    this.name = 'WebDriverError';
    this.error = value && value.error;
  }
}

async function call(base, method, path, body) {
  const command = `${method} ${path}`;
  let response;
  try {
    response = await fetch(base + path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new Error(`WebDriver ${command}: driver unreachable at ${base} (${error.cause?.message || error.message})`);
  }
  const text = await response.text();
  let parsed;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebDriverError(command, response.status, text);
  }
  if (!response.ok) throw new WebDriverError(command, response.status, parsed.value);
  return parsed.value;
}

// Starts WebKitWebDriver on a free loopback port; `display` is the X display its browsers use.
export async function startWebKitDriver({ display = process.env.DISPLAY } = {}) {
  const port = await freePort();
  const child = spawn('WebKitWebDriver', [`--port=${port}`, '--host=local'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DISPLAY: display },
  });
  killOnExit(child);
  let output = '';
  child.stdout.on('data', (chunk) => { output += chunk; });
  child.stderr.on('data', (chunk) => { output += chunk; });
  let exited = null;
  child.once('exit', (code, signal) => { exited = signal || code; });
  child.once('error', (error) => { exited = error.message; });
  const base = `http://127.0.0.1:${port}`;
  for (const deadline = Date.now() + 10000; ;) {
    if (exited !== null) throw new Error(`WebKitWebDriver exited (${exited}): ${output}`);
    try {
      const status = await call(base, 'GET', '/status');
      if (status.ready) break;
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`WebKitWebDriver did not answer on ${base}: ${error.message} ${output}`);
    }
    await sleep(50);
  }
  const sessions = new Set();
  return {
    url: base,
    output: () => output,
    // A fresh MiniBrowser (its storage starts empty); `args` go to MiniBrowser after --automation.
    async newSession({ args = [] } = {}) {
      const value = await call(base, 'POST', '/session', {
        capabilities: {
          alwaysMatch: {
            browserName: 'MiniBrowser',
            'webkitgtk:browserOptions': { binary: miniBrowser, args: ['--automation', ...args] },
          },
        },
      });
      const session = new Session(base, value.sessionId, value.capabilities, () => sessions.delete(session));
      sessions.add(session);
      return session;
    },
    async stop() {
      for (const session of [...sessions]) await session.delete().catch(() => {});
      await stopChild(child);
    },
  };
}

// Xvfb, WebKitWebDriver and a way to open fresh browsers, as one thing to close: what a test
// file needs. Uses a private X display, never the desktop's, so no window appears on screen.
export async function launchWebKit() {
  const display = await startDisplay();
  try {
    const driver = await startWebKitDriver({ display: display.display });
    return {
      display: display.display,
      driver,
      newSession: (options) => driver.newSession(options),
      async close() {
        await driver.stop();
        await display.stop();
      },
    };
  } catch (error) {
    await display.stop();
    throw error;
  }
}

// W3C's key under which an element reference travels.
const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';

// Turns a function (or a function body) into an async script: the page's promise is awaited and
// a rejection or exception comes back as this side's error with the page's message, instead of a
// driver time-out or a bare "javascript error".
function asyncScript(script) {
  const body = typeof script === 'function' ? `return (${script}).apply(null, args);` : script;
  return `const done = arguments[arguments.length - 1];
const args = Array.prototype.slice.call(arguments, 0, -1);
new Promise((resolve) => resolve((function () { ${body} }).apply(null, args))).then(
  (value) => done({ ok: true, value: value === undefined ? null : value }),
  (error) => done({ ok: false, error: String(error) + (error && error.stack ? '\\n' + error.stack : '') }));`;
}

export class Session {
  constructor(base, id, capabilities, onDelete) {
    this.base = base;
    this.id = id;
    this.capabilities = capabilities;
    this.onDelete = onDelete;
    this.deleted = false;
  }

  command(method, path, body) {
    return call(this.base, method, `/session/${this.id}${path}`, body);
  }

  navigate(url) {
    return this.command('POST', '/url', { url });
  }

  url() {
    return this.command('GET', '/url');
  }

  // Runs `script` (a function, called with `args`, or a function body using `arguments`) through
  // WebDriver's synchronous execute, which also waits for a returned promise.
  executeSync(script, ...args) {
    const body = typeof script === 'function' ? `return (${script}).apply(null, arguments);` : script;
    return this.command('POST', '/execute/sync', { script: body, args });
  }

  // Runs `script` through WebDriver's asynchronous execute; resolves with what it returned (or its
  // promise's value) and rejects with the page's own error.
  async evaluate(script, ...args) {
    const result = await this.command('POST', '/execute/async', { script: asyncScript(script), args });
    if (!result || typeof result !== 'object' || !('ok' in result)) {
      throw new Error('WebDriver execute/async returned an unexpected value: ' + JSON.stringify(result));
    }
    if (!result.ok) throw new Error('script failed in the page: ' + result.error);
    return result.value;
  }

  // Polls `script` (as evaluate) until it returns something truthy; returns that value.
  async waitFor(script, { args = [], timeoutMs = 10000, intervalMs = 50, what = String(script) } = {}) {
    const deadline = Date.now() + timeoutMs;
    let lastError = null;
    for (;;) {
      try {
        const value = await this.evaluate(script, ...args);
        if (value) return value;
        lastError = null;
      } catch (error) {
        // A navigation in progress destroys the script's context: poll again.
        lastError = error;
      }
      if (Date.now() > deadline) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}` + (lastError ? ` (last error: ${lastError.message})` : ''));
      }
      await sleep(intervalMs);
    }
  }

  async findElement(css) {
    try {
      const value = await this.command('POST', '/element', { using: 'css selector', value: css });
      return value[ELEMENT];
    } catch (error) {
      throw new Error(`${css}: ${error.message}`);
    }
  }

  // WebDriver's element click: scrolls the element into view and clicks it as a user would.
  async click(css) {
    const element = await this.findElement(css);
    return this.command('POST', `/element/${element}/click`, {});
  }

  // Types `text` into the element as key presses (focus, input and change events included).
  async type(css, text) {
    const element = await this.findElement(css);
    return this.command('POST', `/element/${element}/value`, { text });
  }

  setWindowRect({ width, height }) {
    return this.command('POST', '/window/rect', { width, height });
  }

  windowHandle() {
    return this.command('GET', '/window');
  }

  windowHandles() {
    return this.command('GET', '/window/handles');
  }

  // Opens a new top-level browsing context of this session (same storage); returns its handle.
  // MiniBrowser shows a new 'tab' in the background (document.visibilityState 'hidden' even
  // once switched to), so the default is a 'window', which is visible as a shopper's tab is.
  async newWindow(type = 'window') {
    const value = await this.command('POST', '/window/new', { type });
    return value.handle;
  }

  switchToWindow(handle) {
    return this.command('POST', '/window', { handle });
  }

  // Closes the current window; returns the handles still open. Closing the last one ends the
  // session, so keep another window open for as long as the session is needed.
  closeWindow() {
    return this.command('DELETE', '/window');
  }

  async delete() {
    if (this.deleted) return;
    this.deleted = true;
    this.onDelete();
    await call(this.base, 'DELETE', `/session/${this.id}`);
  }
}
