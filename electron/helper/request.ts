/**
 * Turns the raw stdin bytes into a typed request, refusing anything that is not exactly what the
 * protocol allows: unknown keys, wrong types, out-of-range pids, a malformed id, or an operation
 * that differs from the one polkit authorised (argv[1]).
 */
import { AppError } from '../common/errors'
import {
  CHOICE_KEYS,
  MAX_REQUEST_BYTES,
  SNAPSHOT_ID_RE,
  SNAPSHOT_NAME_RE,
  type HelperDumpChoices,
  type HelperOp,
  type HelperRequest
} from '../core/privilege/protocol'
import { parseStrictJsonBytes, StrictJsonError } from './strict-json'

/** Highest pid the kernel can hand out (PID_MAX_LIMIT on 64-bit). */
const PID_MAX_LIMIT = 4_194_304

function bad(message: string, detail?: string): AppError {
  return new AppError({
    code: 'BAD_INPUT',
    message: `The helper refused the request: ${message}.`,
    why: 'Requests to the privileged helper must match its protocol exactly.',
    remedy: 'Use the icebox command or app; do not call the helper by hand.',
    ...(detail !== undefined && { detail })
  })
}

/** Parses and validates the request for the operation named in argv[1]. */
export function parseRequest(bytes: Uint8Array, op: HelperOp): HelperRequest {
  if (bytes.length === 0) throw bad('empty request')
  if (bytes.length > MAX_REQUEST_BYTES) throw bad(`request larger than ${MAX_REQUEST_BYTES} bytes`)
  let raw: unknown
  try {
    raw = parseStrictJsonBytes(bytes, { maxDepth: 2 })
  } catch (e) {
    if (e instanceof StrictJsonError) throw bad(`malformed JSON (${e.message})`)
    throw e
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('not a JSON object')
  const obj = raw as Record<string, unknown>
  if (obj.op !== op) {
    throw bad('the operation in the request differs from the authorised one', `argv1=${op}`)
  }
  switch (op) {
    case 'dump':
      return parseDump(obj)
    case 'restore':
    case 'delete':
      onlyKeys(obj, ['op', 'id'])
      return { op, id: snapshotId(obj.id) }
  }
}

function parseDump(obj: Record<string, unknown>): HelperRequest {
  onlyKeys(obj, ['op', 'pid', 'startTicks', 'choices', 'name'])
  const pid = obj.pid
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 2 || pid > PID_MAX_LIMIT) {
    throw bad('pid must be an integer between 2 and 4194304')
  }
  const st = obj.startTicks
  if (typeof st !== 'number' || !Number.isSafeInteger(st) || st < 0) {
    throw bad('startTicks must be a non-negative integer')
  }
  const choices = parseChoices(obj.choices)
  const req: HelperRequest = { op: 'dump', pid, startTicks: st, choices }
  if (obj.name !== undefined) {
    if (typeof obj.name !== 'string' || !SNAPSHOT_NAME_RE.test(obj.name)) {
      throw bad('name must be 1-64 characters of letters, digits, space, dot, dash, underscore')
    }
    req.name = obj.name
  }
  return req
}

function parseChoices(v: unknown): HelperDumpChoices {
  const out: HelperDumpChoices = {
    keepRunning: false,
    tcpClose: false,
    extUnixSk: false,
    fileLocks: false,
    shellJob: false
  }
  if (v === undefined) return out
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw bad('choices must be an object')
  const c = v as Record<string, unknown>
  onlyKeys(c, CHOICE_KEYS)
  for (const k of CHOICE_KEYS) {
    if (c[k] === undefined) continue
    if (typeof c[k] !== 'boolean') throw bad(`choices.${k} must be true or false`)
    out[k] = c[k]
  }
  return out
}

function snapshotId(v: unknown): string {
  if (typeof v !== 'string' || !SNAPSHOT_ID_RE.test(v)) throw bad('malformed snapshot id')
  return v
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) {
    if (!allowed.includes(k)) throw bad(`unknown key "${k.slice(0, 40)}"`)
  }
}
