/**
 * The wire protocol between Icebox (running as the user) and the root helper run by pkexec.
 *
 * The operation travels twice: as argv[1] (what polkit authorised) and inside the request (so a
 * request for another operation is refused even if polkit ignored argv1). Requests carry no paths
 * and no CRIU flags: a pid with its start time, typed choices, or a snapshot id.
 */

/** Operations the helper performs; each one is its own polkit action. */
export const HELPER_OPS = ['dump', 'restore', 'delete'] as const
export type HelperOp = (typeof HELPER_OPS)[number]

/** Where the installed helper lives; polkit's exec.path names exactly this file. */
export const HELPER_PATH = '/usr/libexec/icebox/icebox-helper'
/** The root of the system store (security-model.md §4.3, option A). */
export const STORE_ROOT = '/var/lib/icebox'
/** Admin configuration of the helper (root-owned). */
export const HELPER_CONF = '/etc/icebox/helper.conf'
/** The polkit policy installed by `icebox install-helper`. */
export const POLICY_PATH = '/usr/share/polkit-1/actions/org.icebox.policy'
export const PKEXEC_PATH = '/usr/bin/pkexec'

/** Largest request the helper reads from stdin. */
export const MAX_REQUEST_BYTES = 4096

/** Snapshot ids are made by the helper: lower-case UUIDv4, nothing else. */
export const SNAPSHOT_ID_RE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/

/** Snapshot names are labels only, never used as a path component. */
export const SNAPSHOT_NAME_RE = /^[A-Za-z0-9 ._-]{1,64}$/

/** The dump options a user may choose in Mode U (an allow-list; no raw CRIU flags). */
export interface HelperDumpChoices {
  /** Keep the process running after the snapshot (criu --leave-running). */
  keepRunning: boolean
  /** Drop established TCP connections (criu --tcp-close); keeping them needs root. */
  tcpClose: boolean
  /** Allow datagram unix sockets to peers outside the tree (criu --ext-unix-sk). */
  extUnixSk: boolean
  /** Save and restore file locks (criu --file-locks). */
  fileLocks: boolean
  /** The process is not a session leader or has a terminal (criu --shell-job). */
  shellJob: boolean
}

export const CHOICE_KEYS = [
  'keepRunning',
  'tcpClose',
  'extUnixSk',
  'fileLocks',
  'shellJob'
] as const satisfies readonly (keyof HelperDumpChoices)[]

export interface DumpRequest {
  op: 'dump'
  pid: number
  /** /proc/PID/stat field 22, as the caller saw it (guards against pid reuse). */
  startTicks: number
  choices: HelperDumpChoices
  name?: string
}

export interface RestoreRequest {
  op: 'restore'
  id: string
}

export interface DeleteRequest {
  op: 'delete'
  id: string
}

export type HelperRequest = DumpRequest | RestoreRequest | DeleteRequest

export interface DumpResult {
  op: 'dump'
  id: string
  /** Directory of the snapshot in the store (readable by the user through an ACL). */
  dir: string
  /** Bytes stored. */
  bytes: number
}

export interface RestoreResult {
  op: 'restore'
  id: string
  rootPid: number
}

export interface DeleteResult {
  op: 'delete'
  id: string
}

export type HelperResult = DumpResult | RestoreResult | DeleteResult

/** One JSON line on the helper's stdout. */
export type HelperResponse =
  | { ok: true; result: HelperResult }
  | {
      ok: false
      error: { code: string; message: string; why?: string; remedy?: string; detail?: string }
    }

/** Helper exit codes; never 126/127, which pkexec uses for dismissed / not authorised. */
export const HELPER_EXIT = { ok: 0, failed: 1, badRequest: 2, refused: 3 } as const
