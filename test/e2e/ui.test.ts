/**
 * The UI in Chromium against `icebox serve` running the real core as root: the process tree,
 * search, details, the Freeze dialog, the snapshot browser and one-click restore. Every test
 * fails on a console error or a page error. Screenshots go to screenshots/ (light and dark).
 */
import { createServer, type Server, type Socket } from 'node:net'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'

import type { Browser, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { startWorkload, waitForPidGone, type Workload } from '../support/workloads'
import {
  buildIcebox,
  launchChromium,
  openPage,
  shot,
  startServe,
  type Serve,
  type TrackedPage
} from './support/harness'

let serve: Serve
let browser: Browser
let tcp: Server
const sockets: Socket[] = []
let port = 0
let tree: Workload
let net: Workload
let dev: Workload
let treePids: number[] = []
let netPids: number[] = []
const restoredPids: number[] = []
let tracked: TrackedPage | null = null
let snapshotId = ''

function pidsOf(w: Workload): number[] {
  const line = w.lines.find((l) => l.startsWith('ready')) ?? ''
  return line.split(' ').slice(1).map(Number)
}

async function page(colorScheme: 'light' | 'dark' = 'light'): Promise<Page> {
  tracked = await openPage(browser, serve.url, { colorScheme })
  await tracked.page.waitForSelector('[role="row"][data-pid]')
  return tracked.page
}

async function search(p: Page, text: string): Promise<void> {
  await p.getByLabel('Search processes').fill(text)
}

const row = (p: Page, pid: number) => p.locator(`[role="row"][data-pid="${pid}"]`)

beforeAll(async () => {
  buildIcebox()
  tcp = createServer((s) => sockets.push(s))
  await new Promise<void>((r) => tcp.listen(0, '127.0.0.1', () => r()))
  port = (tcp.address() as { port: number }).port
  tree = await startWorkload('e2e-app', ['tree'])
  net = await startWorkload('e2e-app', ['net', String(port)])
  dev = await startWorkload('e2e-app', ['device'])
  treePids = pidsOf(tree)
  netPids = pidsOf(net)
  serve = await startServe()
  browser = await launchChromium()
})

afterEach(async () => {
  const errors = tracked?.errors ?? []
  await tracked?.page.context().close()
  tracked = null
  expect(errors, 'console or page errors').toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await serve?.stop()
  for (const w of [tree, net, dev]) await w?.stop()
  for (const pid of [...treePids, ...netPids, ...restoredPids]) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  for (const s of sockets) s.destroy()
  tcp?.close()
  if (serve?.store && existsSync(serve.store)) rmSync(serve.store, { recursive: true, force: true })
})

describe('icebox serve in Chromium (real core)', () => {
  it('shows the workloads in the tree with the right badges', async () => {
    const p = await page()
    await search(p, 'e2e-')
    await expect.poll(() => row(p, treePids[0]!).count()).toBe(1)
    const verdict = (pid: number) =>
      row(p, pid).locator('[data-verdict]').getAttribute('data-verdict')
    expect(await verdict(treePids[0]!)).toBe('freezable')
    expect(await verdict(netPids[0]!)).toBe('needs-options')
    expect(await verdict(dev.pid)).toBe('blocked')
    const title = await row(p, dev.pid).locator('[data-verdict]').getAttribute('title')
    expect(title).toMatch(/device|kmsg/i)
    // The child sits under its parent (one level deeper).
    expect(await row(p, treePids[1]!).getAttribute('aria-level')).toBe(
      String(Number(await row(p, treePids[0]!).getAttribute('aria-level')) + 1)
    )
  })

  it('a new process appears and an exited one goes, pushed by serve without polling', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
    const p = await context.newPage()
    const errors: string[] = []
    p.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`))
    p.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
    tracked = { page: p, errors }
    // Every call the page makes over the WebSocket, by method name.
    const calls: string[] = []
    p.on('websocket', (ws) =>
      ws.on('framesent', (f) => {
        const m = /"method":"([^"]+)"/.exec(String(f.payload))
        if (m?.[1]) calls.push(m[1])
      })
    )
    // The first screen comes as a plain GET (preloaded by the page's Link header).
    const firstScreens: string[] = []
    p.on('request', (r) => r.url().includes('/first-screen.json') && firstScreens.push(r.url()))
    await p.goto(serve.url)
    await p.waitForSelector('[role="row"][data-pid]')
    await p.getByLabel('Refresh interval').selectOption('1000')
    const late = await startWorkload('e2e-app', ['tree'])
    const latePid = pidsOf(late)[0]!
    try {
      await search(p, String(latePid))
      await expect.poll(() => row(p, latePid).count(), { timeout: 20_000 }).toBe(1)
      await late.stop()
      await expect.poll(() => row(p, latePid).count(), { timeout: 20_000 }).toBe(0)
    } finally {
      await late.stop()
      // Its child outlives it (reparented to PID 1): stop the whole tree.
      for (const pid of pidsOf(late)) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
    }
    // The first screen and the whole list, once; every change after that was pushed.
    expect(firstScreens).toHaveLength(1)
    expect(calls.filter((c) => c === 'processes.list')).toHaveLength(1)
    expect(calls).toContain('processes.watch')
  })

  it('search finds one process and keeps its parents', async () => {
    const p = await page()
    await search(p, 'e2e-tree-kid')
    await expect.poll(() => row(p, treePids[1]!).count()).toBe(1)
    expect(await row(p, treePids[0]!).count()).toBe(1)
    expect(await row(p, treePids[0]!).getAttribute('class')).toContain('context')
    expect(await row(p, process.pid).count()).toBe(1)
    expect(await row(p, netPids[0]!).count()).toBe(0)
    expect(await row(p, dev.pid).count()).toBe(0)
  })

  it('details show the pipe peer (clickable) and the TCP connection', async () => {
    const p = await page()
    await search(p, 'e2e-net')
    await row(p, netPids[1]!).click()
    const details = p.getByTestId('details')
    // Details may need a fresh scan of /proc (0.4–1 s on these loaded machines): more than
    // expect.poll's default second.
    await expect.poll(() => details.textContent(), { timeout: 10_000 }).toContain('e2e-net-kid')
    await details.getByRole('tab', { name: 'Sockets' }).click()
    const sockets = p.getByTestId('sockets-table')
    await expect.poll(() => sockets.textContent()).toContain(`127.0.0.1:${port}`)
    expect(await sockets.textContent()).toContain('ESTABLISHED')
    await details.getByRole('tab', { name: 'Pipes' }).click()
    const peer = p.getByTestId('pipes-table').locator(`[data-peer-pid="${netPids[0]}"]`).first()
    expect(await peer.textContent()).toContain('e2e-net')
    await peer.click()
    await expect.poll(() => row(p, netPids[0]!).getAttribute('aria-selected')).toBe('true')
    await expect.poll(() => details.textContent()).toContain(`pid ${netPids[0]}`)
    await shot(p, 'processes-details-light')
  })

  it("a blocked process's freeze command is disabled and says why", async () => {
    const p = await page()
    await search(p, 'e2e-dev')
    await row(p, dev.pid).click()
    const freeze = p.locator('.toolbar [data-command="freeze"]')
    expect(await freeze.isDisabled()).toBe(true)
    expect(await freeze.getAttribute('title')).toMatch(/Cannot freeze e2e-dev .*(device|kmsg)/i)
    await row(p, dev.pid).click({ button: 'right' })
    const menuItem = p.locator('.context-menu [data-command="freeze"]')
    expect(await menuItem.isDisabled()).toBe(true)
    expect(await menuItem.getAttribute('title')).toMatch(/device|kmsg/i)
    await shot(p, 'processes-context-menu-light')
  })

  it('freezes a tree from the dialog: progress, then the new snapshot with its decoded images', async () => {
    const p = await page()
    await search(p, 'e2e-tree')
    await row(p, treePids[0]!).click()
    await p.locator('.toolbar [data-command="freeze"]').click()
    const dialog = p.getByRole('dialog', { name: 'Freeze' })
    await expect.poll(() => dialog.textContent()).toContain('What will be frozen')
    expect(await dialog.textContent()).toContain(`pid ${treePids[1]}`)
    expect(await p.getByTestId('criu-cmdline').textContent()).toMatch(
      new RegExp(`criu dump -t ${treePids[0]} `)
    )
    await shot(p, 'freeze-dialog-light')
    await dialog.getByRole('button', { name: 'Freeze and save' }).click()
    await p.getByTestId('freeze-result').waitFor({ timeout: 120_000 })
    const phases = await p.getByTestId('job-phases').textContent()
    expect(phases).toMatch(/done/)
    const result = (await p.getByTestId('freeze-result').textContent()) ?? ''
    snapshotId = /Saved snapshot (\S+):/.exec(result)?.[1] ?? ''
    expect(snapshotId).not.toBe('')
    await shot(p, 'freeze-result-light')
    await dialog.getByRole('button', { name: 'Show snapshot' }).click()
    const detailsPane = p.getByTestId('snapshot-details')
    await p.getByTestId('snapshot-tree').waitFor()
    const treeText = await p.getByTestId('snapshot-tree').textContent()
    expect(treeText).toContain(`e2e-tree pid ${treePids[0]}`)
    expect(treeText).toContain(`e2e-tree-kid pid ${treePids[1]}`)
    await detailsPane.getByRole('tab', { name: 'Files and connections' }).click()
    expect(await p.getByTestId('snapshot-files').textContent()).toMatch(/pipe/)
    expect(await p.locator(`[data-snapshot="${snapshotId}"]`).textContent()).toContain('Ready')
    await shot(p, 'snapshots-light')
    // The frozen tree is gone (criu dump stops it), so its pids are free for the restore.
    await tree.stop()
    for (const pid of treePids) await waitForPidGone(pid)
  })

  it('restores it with one click and it runs again with the same pid', async () => {
    expect(snapshotId).not.toBe('')
    const p = await page()
    await p.getByRole('button', { name: 'Snapshots' }).click()
    await p.locator(`[data-snapshot="${snapshotId}"]`).click()
    const restore = p.locator('[data-command="restore"]')
    await expect.poll(() => restore.isEnabled()).toBe(true)
    await restore.click()
    const progress = p.getByTestId('restore-progress')
    await expect
      .poll(() => progress.textContent(), { timeout: 120_000 })
      .toContain(`running again as pid ${treePids[0]}`)
    restoredPids.push(...treePids)
    await p.getByRole('button', { name: 'Processes' }).click()
    await search(p, 'e2e-tree')
    await expect.poll(() => row(p, treePids[0]!).count(), { timeout: 20_000 }).toBe(1)
    expect(await row(p, treePids[1]!).count()).toBe(1)
  })

  it('a restore whose pid is taken shows the explanation', async () => {
    expect(snapshotId).not.toBe('')
    const p = await page()
    await p.getByRole('button', { name: 'Snapshots' }).click()
    await p.locator(`[data-snapshot="${snapshotId}"]`).click()
    const pre = p.getByTestId('preflight')
    await expect.poll(() => pre.textContent()).toContain(String(treePids[0]))
    expect(await pre.textContent()).toMatch(/in use|taken|running/i)
    const restore = p.locator('[data-command="restore"]')
    expect(await restore.isDisabled()).toBe(true)
    expect(await restore.getAttribute('title')).toContain(String(treePids[0]))
    expect(await p.locator(`[data-snapshot="${snapshotId}"]`).textContent()).toContain('Restored')
    await shot(p, 'snapshots-pid-taken-light')
  })

  it('exports, deletes and imports the snapshot back', async () => {
    expect(snapshotId).not.toBe('')
    const archive = join(serve.store, '..', `icebox-e2e-${process.pid}.tar`)
    rmSync(archive, { force: true })
    const p = await page()
    await p.getByRole('button', { name: 'Snapshots' }).click()
    const item = p.locator(`[data-snapshot="${snapshotId}"]`)
    await item.click()
    await p.getByLabel('Export to').fill(archive)
    await p.locator('[data-command="export"]').click()
    await expect.poll(() => p.getByTestId('archive-message').textContent()).toContain(archive)
    expect(existsSync(archive)).toBe(true)
    await p.getByRole('button', { name: 'Delete…' }).click()
    await p.getByRole('button', { name: 'Delete', exact: true }).click()
    await expect.poll(() => item.count()).toBe(0)
    await p.getByLabel('Archive to import').fill(archive)
    await p.locator('[data-command="import"]').click()
    await expect.poll(() => item.count()).toBe(1)
    await p.getByTestId('snapshot-tree').waitFor()
    expect(await p.getByTestId('snapshot-tree').textContent()).toContain(
      `e2e-tree pid ${treePids[0]}`
    )
    rmSync(archive, { force: true })
  })

  it('writes screenshots of every view in light and dark', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      for (const size of [
        { w: 1280, h: 800 },
        { w: 1920, h: 1080 }
      ]) {
        tracked = await openPage(browser, serve.url, {
          colorScheme: scheme,
          width: size.w,
          height: size.h
        })
        const p = tracked.page
        await p.waitForSelector('[role="row"][data-pid]')
        await search(p, 'e2e-')
        await row(p, netPids[0]!).click()
        await p.getByTestId('details').getByRole('tab', { name: 'Sockets' }).click()
        await shot(p, `processes-${scheme}-${size.w}x${size.h}`)
        await p.locator('.toolbar [data-command="freeze"]').click()
        await p.getByTestId('criu-cmdline').waitFor()
        await shot(p, `freeze-dialog-${scheme}-${size.w}x${size.h}`)
        await p.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click()
        await p.getByRole('button', { name: 'Snapshots' }).click()
        await p.locator(`[data-snapshot="${snapshotId}"]`).click()
        await p.getByTestId('snapshot-tree').waitFor()
        await shot(p, `snapshots-${scheme}-${size.w}x${size.h}`)
        await p.getByRole('button', { name: 'System' }).click()
        await p.getByTestId('system-view').waitFor({ timeout: 60_000 })
        await shot(p, `system-${scheme}-${size.w}x${size.h}`)
        const errors = tracked.errors
        await p.context().close()
        tracked = null
        expect(errors).toEqual([])
      }
    }
  })
})
