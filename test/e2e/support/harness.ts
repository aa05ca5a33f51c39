/**
 * The e2e harness: builds Icebox, starts `icebox serve` on a free port with a temporary store,
 * and opens Debian's Chromium through playwright-core. Every page records console errors and
 * page errors so each test can fail on them.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { chromium, type Browser, type Page } from 'playwright-core'

export const REPO = join(import.meta.dirname, '..', '..', '..')
export const SCREENSHOTS = join(REPO, 'screenshots')

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync'
]

/** Builds the CLI and the renderer (once per test file). */
export function buildIcebox(): void {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build: test
  // the production bundle people get.
  execFileSync('node', ['scripts/build.mjs'], {
    cwd: REPO,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production' }
  })
}

export interface Serve {
  url: string
  origin: string
  store: string
  child: ChildProcess
  stderr: string[]
  stop(): Promise<void>
}

/** Starts `node bin/icebox.mjs serve --port 0 --store <tmp>` and waits for its URL. */
export async function startServe(): Promise<Serve> {
  const store = mkdtempSync(join(tmpdir(), 'icebox-e2e-store-'))
  const child = spawn('node', ['bin/icebox.mjs', 'serve', '--port', '0', '--store', store], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const stderr: string[] = []
  child.stderr?.setEncoding('utf8').on('data', (d: string) => stderr.push(d))
  const url = await new Promise<string>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(
      () => reject(new Error(`serve did not start: ${out} ${stderr.join('')}`)),
      30_000
    )
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d
      const m = /listening on (http:\/\/\S+)/.exec(out)
      if (m?.[1]) {
        clearTimeout(timer)
        resolve(m[1])
      }
    })
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr.join('')}`)))
  })
  const exited = new Promise<void>((r) => child.once('exit', () => r()))
  return {
    url,
    origin: new URL(url).origin,
    store,
    child,
    stderr,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    }
  }
}

/** Launches Debian's Chromium. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

export interface TrackedPage {
  page: Page
  /** Console errors and page errors seen so far. */
  errors: string[]
}

/** Opens a page at 1280×800 (or the given size) in the given color scheme, recording errors. */
export async function openPage(
  browser: Browser,
  url: string,
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {}
): Promise<TrackedPage> {
  const context = await browser.newContext({
    viewport: { width: opts.width ?? 1280, height: opts.height ?? 800 },
    colorScheme: opts.colorScheme ?? 'light'
  })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`)
  })
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  await page.goto(url)
  return { page, errors }
}

/** Saves a screenshot as screenshots/NAME.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true })
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) })
}
