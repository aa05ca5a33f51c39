/**
 * The real CoreDeps: A's scanner, B's analysis, C's engine and store, D's image decoder and E's
 * helper, adapted to what the handlers need. The only file of the server that knows the core.
 */
import { existsSync, lstatSync, readFileSync, statfsSync, statSync } from 'node:fs'
import { homedir, hostname, release, userInfo } from 'node:os'
import { join } from 'node:path'

import type {
  FreezeOptions,
  PrivilegeStatus,
  SnapshotRow,
  SnapshotState,
  SystemInfo
} from '../common/api-types'
import { AppError } from '../common/errors'
import type { DumpChoices, Manifest } from '../common/snapshot'
import { analyze, analyzeAll } from '../core/analysis/analyze'
import { currentContext } from '../core/analysis/context'
import { FEATURES, probeCriu } from '../core/criu/probe'
import { freeze } from '../core/engine/freeze'
import { preflightRestore, restore } from '../core/engine/restore'
import { readSnapshotView } from '../core/images/read-snapshot-view'
import { helperStatus } from '../core/privilege/install'
import { choosePrivilegePath, runHelper } from '../core/privilege/path'
import { scan } from '../core/procfs/scan'
import { exportSnapshot, importSnapshot } from '../core/snapshots/archive'
import {
  defaultStoreRoot,
  dirSizes,
  openStore,
  type DamagedSnapshot,
  type SnapshotStore
} from '../core/snapshots/store'
import type { CoreDeps } from './handlers'
import type { JobHooks } from './jobs'

const LOG_TAIL = 64 * 1024
const PROBE_TTL_MS = 60_000

export interface CoreDepsOptions {
  /** Snapshot store root (--store); the user's default store otherwise. */
  store?: string
  iceboxVersion?: string
}

function tail(path: string): string | null {
  try {
    const text = readFileSync(path, 'utf8')
    return text.length > LOG_TAIL ? text.slice(-LOG_TAIL) : text
  } catch {
    return null
  }
}

/** The log path an engine error names in its detail ("log: …/dump.log"). */
function logOf(err: unknown): string | null {
  const detail = err instanceof AppError ? err.detail : undefined
  const m = detail?.match(/log: (\S+\.log)/)
  return m?.[1] ? tail(m[1]) : null
}

function withLog(err: unknown, log: string | null): unknown {
  if (log !== null && err && typeof err === 'object') Object.assign(err, { log })
  return err
}

/** FreezeOptions (the dialog) → DumpChoices (the engine); explicit values, never "auto". */
export function toDumpChoices(o: FreezeOptions): DumpChoices {
  return {
    keepRunning: o.leaveRunning,
    ...(o.tcp === 'keep' ? { tcp: 'established' as const } : {}),
    ...(o.tcp === 'close' ? { tcp: 'close' as const } : {}),
    fileLocks: o.fileLocks,
    extUnixSk: o.extUnixSockets,
    shellJob: o.shellJob,
    linkRemap: o.linkRemap
  }
}

/** ready / restored / tcp-used / damaged, in words too. */
export function snapshotState(m: Manifest, dir: string): { state: SnapshotState; reason: string } {
  if (!existsSync(join(dir, 'inventory.img')) || !existsSync(join(dir, 'pstree.img'))) {
    return { state: 'damaged', reason: 'CRIU image files are missing from its directory.' }
  }
  const restored = m.restores.filter((r) => r.ok)
  if (restored.length > 0 && m.flags.tcp === 'established') {
    return {
      state: 'tcp-used',
      reason: 'Its TCP connections were restored once already; they cannot be restored again.'
    }
  }
  if (restored.length > 0) {
    return {
      state: 'restored',
      reason: `Restored ${restored.length} time${restored.length === 1 ? '' : 's'}; it can be restored again when its pids are free.`
    }
  }
  return { state: 'ready', reason: 'Ready to restore.' }
}

function toSnapshotRow(m: Manifest, store: SnapshotStore): SnapshotRow {
  const { state, reason } = snapshotState(m, store.dir(m.id))
  return {
    id: m.id,
    name: m.name,
    createdAt: m.createdAt,
    sourcePid: m.source.pid,
    sourceName: m.source.name,
    sourceCommand: m.source.cmdline.join(' ').slice(0, 300),
    sizeBytes: m.sizes.total,
    state,
    stateReason: reason,
    flags: m.flags.argv.filter((a) => a.startsWith('--')),
    restoreCount: m.restores.filter((r) => r.ok).length
  }
}

/** A snapshot without a valid manifest: listed as damaged so it can be seen and deleted. */
function damagedRow(d: DamagedSnapshot, store: SnapshotStore): SnapshotRow {
  const dir = store.dir(d.id)
  let createdAt = ''
  let sizeBytes = 0
  try {
    createdAt = statSync(dir).mtime.toISOString()
    sizeBytes = dirSizes(dir).total
  } catch {
    // Unreadable: the reason already says it is damaged.
  }
  return {
    id: d.id,
    name: '(damaged)',
    createdAt,
    sourcePid: 0,
    sourceName: '',
    sourceCommand: '',
    sizeBytes,
    state: 'damaged',
    stateReason: `${d.reason} It cannot be restored; delete it.`,
    flags: [],
    restoreCount: 0
  }
}

function privilegeStatus(): PrivilegeStatus {
  if (choosePrivilegePath() === 'root') {
    return { mode: 'root', summary: 'Running as root: Icebox runs criu directly.', howTo: null }
  }
  const h = helperStatus()
  if (h.helperInstalled && h.pkexec && h.problems.length === 0) {
    return {
      mode: 'helper',
      summary: 'The Icebox helper is installed: freezing asks for your password through polkit.',
      howTo:
        h.helperCurrent === false
          ? 'The installed helper is older than this Icebox; run "sudo icebox install-helper".'
          : null
    }
  }
  return {
    mode: 'missing',
    summary: 'The Icebox helper is not installed, so Icebox cannot run criu for you.',
    howTo:
      'Ask an administrator to run "sudo icebox install-helper" (needs the pkexec and polkitd packages)' +
      (h.problems.length ? `; problems: ${h.problems.join('; ')}` : '.')
  }
}

/** Builds the deps over the real core. */
export function createCoreDeps(opts: CoreDepsOptions = {}): CoreDeps {
  const ctx = currentContext()
  const storeRoot = opts.store ?? defaultStoreRoot()
  let store: SnapshotStore | null = null
  const getStore = (): SnapshotStore => (store ??= openStore(storeRoot))
  let probe: { at: number; value: Promise<SystemInfo['criu']> } | null = null

  const criuStatus = (): Promise<SystemInfo['criu']> => {
    if (probe && Date.now() - probe.at < PROBE_TTL_MS) return probe.value
    const value = probeCriu()
      .then((p) => ({
        found: true,
        path: p.path,
        version: p.version,
        versionOk: p.versionOk,
        features: [
          {
            name: 'criu check',
            ok: p.checkOk,
            ...(p.checkOk ? {} : { detail: p.checkOutput.slice(0, 300) })
          },
          ...Object.entries(p.features).map(([name, ok]) => ({
            name,
            ok,
            ...(FEATURES[name] ? { detail: FEATURES[name] } : {})
          })),
          {
            name: 'network lock',
            ok: p.networkLock.preferred !== null,
            detail: p.networkLock.preferred ?? 'neither nftables nor iptables works'
          }
        ],
        problem: null
      }))
      .catch((err: unknown) => ({
        found: false,
        path: null,
        version: null,
        versionOk: false,
        features: [],
        problem:
          err instanceof AppError
            ? err.toJSON()
            : { code: 'CRIU_MISSING' as const, message: String(err) }
      }))
    probe = { at: Date.now(), value }
    return value
  }

  const userRestore = async (id: string, hooks: JobHooks) => {
    hooks.onProgress({ phase: 'restoring', message: 'Asking the helper to restore…' })
    const r = await runHelper('restore', { op: 'restore', id }, { signal: hooks.signal })
    return { snapshotId: id, rootPid: r.rootPid }
  }

  return {
    uid: ctx.uid,
    scan: () => scan(),
    analyzeAll: (s) => analyzeAll(s, ctx),
    analyze: (s, pid) => analyze(s, pid, ctx),
    privilege: () => privilegeStatus().mode,
    async systemInfo() {
      const s = getStore()
      const manifests = s.list()
      let freeBytes: number | null
      try {
        const st = statfsSync(s.root)
        freeBytes = st.bavail * st.bsize
      } catch {
        freeBytes = null
      }
      return {
        hostname: hostname(),
        kernel: release(),
        uid: ctx.uid,
        user: userInfo().username,
        iceboxVersion: opts.iceboxVersion ?? '0.1.0',
        criu: await criuStatus(),
        privilege: privilegeStatus(),
        store: {
          root: s.root,
          snapshots: manifests.length,
          bytes: manifests.reduce((n, m) => n + m.sizes.total, 0),
          freeBytes
        }
      }
    },
    async freeze(req, hooks) {
      const onProgress = (p: { phase: string; message: string; bytesWritten: number | null }) =>
        hooks.onProgress({ phase: p.phase, message: p.message, bytesWritten: p.bytesWritten })
      if (choosePrivilegePath() !== 'root') {
        if (req.startTicks === undefined) {
          throw new AppError({
            code: 'BAD_INPUT',
            message: 'The start time of the process is needed.'
          })
        }
        onProgress({
          phase: 'starting',
          message: 'Asking the helper (you may be asked for a password)…',
          bytesWritten: null
        })
        const r = await runHelper(
          'dump',
          {
            op: 'dump',
            pid: req.pid,
            startTicks: req.startTicks,
            choices: {
              keepRunning: req.options.leaveRunning,
              tcpClose: req.options.tcp === 'close',
              extUnixSk: req.options.extUnixSockets,
              fileLocks: req.options.fileLocks,
              shellJob: req.options.shellJob
            },
            ...(req.name ? { name: req.name.replace(/[^A-Za-z0-9 ._-]/g, '-').slice(0, 64) } : {})
          },
          { signal: hooks.signal }
        )
        return { snapshotId: r.id, sizeBytes: r.bytes }
      }
      try {
        const m = await freeze(
          {
            pid: req.pid,
            ...(req.startTicks !== undefined ? { startTicks: req.startTicks } : {}),
            choices: toDumpChoices(req.options),
            ...(req.name ? { name: req.name } : {}),
            store: getStore()
          },
          { onProgress, signal: hooks.signal }
        )
        return {
          snapshotId: m.id,
          sizeBytes: m.sizes.total,
          frozenMs: m.stats ? m.stats.frozenTimeUs / 1000 : null
        }
      } catch (err) {
        throw withLog(err, logOf(err))
      }
    },
    async listSnapshots() {
      const s = getStore()
      const { snapshots, damaged } = s.survey()
      return [...snapshots.map((m) => toSnapshotRow(m, s)), ...damaged.map((d) => damagedRow(d, s))]
    },
    async inspectSnapshot(id) {
      const s = getStore()
      const manifest = s.get(id)
      const dir = s.dir(id)
      let view = null
      let viewError = null
      try {
        view = readSnapshotView(dir)
      } catch (err) {
        viewError =
          err instanceof AppError
            ? err.toJSON()
            : { code: 'IMAGE_DAMAGED' as const, message: String(err) }
      }
      return {
        row: toSnapshotRow(manifest, s),
        manifest,
        view,
        viewError,
        log: tail(join(dir, 'dump.log'))
      }
    },
    async preflight(id) {
      const s = getStore()
      return preflightRestore(s.get(id), s.dir(id))
    },
    async restore(id, hooks) {
      if (choosePrivilegePath() !== 'root') return userRestore(id, hooks)
      const s = getStore()
      try {
        const r = await restore(id, {
          store: s,
          onProgress: (p) =>
            hooks.onProgress({ phase: p.phase, message: p.message, bytesWritten: p.bytesWritten }),
          signal: hooks.signal
        })
        return {
          snapshotId: id,
          rootPid: r.rootPid,
          terminal: r.terminal?.attach ?? null,
          log: null
        }
      } catch (err) {
        throw withLog(err, logOf(err) ?? tail(join(s.dir(id), 'restore.log')))
      }
    },
    async exportSnapshot(id, path) {
      const s = getStore()
      const m = s.get(id)
      const file = path ?? join(homedir(), `icebox-${m.id}.tar`)
      // Never overwrite: the path comes from the UI.
      if (existsSync(file)) {
        throw new AppError({
          code: 'BAD_INPUT',
          message: `${file} already exists.`,
          remedy: 'Choose another file name; Icebox does not overwrite files.'
        })
      }
      await exportSnapshot(s, id, file)
      return file
    },
    async importSnapshot(path) {
      const st = existsSync(path) ? lstatSync(path) : null
      if (!st?.isFile()) {
        throw new AppError({
          code: 'BAD_INPUT',
          message: `${path} is not a file.`,
          remedy: 'Give the path of an archive made by "Export" or `icebox export`.'
        })
      }
      const s = getStore()
      const m = await importSnapshot(s, path)
      return toSnapshotRow(m, s)
    },
    async deleteSnapshot(id) {
      if (choosePrivilegePath() !== 'root') {
        await runHelper('delete', { op: 'delete', id })
        return
      }
      getStore().remove(id)
    }
  }
}
