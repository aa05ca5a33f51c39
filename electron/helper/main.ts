/**
 * icebox-helper: the program pkexec runs as root for a user (security-model.md "Mode U").
 *
 *   pkexec /usr/libexec/icebox/icebox-helper dump|restore|delete   (request JSON on stdin)
 *
 * It prints exactly one JSON line ({ok:true,result} or {ok:false,error}) and exits 0 (done),
 * 1 (failed), 2 (bad request) or 3 (refused) — never 126/127, which belong to pkexec.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

import { AppError, toErrorData } from '../common/errors'
import {
  HELPER_EXIT,
  MAX_REQUEST_BYTES,
  type HelperRequest,
  type HelperResponse,
  type HelperResult
} from '../core/privilege/protocol'
import { loadHelperConfig } from './config'
import { PRLIMIT_PATH, rlimitReset } from './criu-argv'
import { callerUidFromEnv, checkRegularUser, checkRoot, opFromArgv } from './entry'
import { deleteOp } from './op-delete'
import { dumpOp } from './op-dump'
import { restoreOp } from './op-restore'
import { parseRequest } from './request'
import { cleanStale, ensureLayout, layout } from './store'
import { lookupUser, systemUidMin, type UserInfo } from './users'

const STDIN_TIMEOUT_MS = 10_000

/** Resets what pkexec passes through from the caller (umask, cwd, environment). */
function normaliseProcess(): string | undefined {
  const pkexecUid = process.env.PKEXEC_UID
  process.umask(0o077)
  process.chdir('/')
  for (const k of Object.keys(process.env)) delete process.env[k]
  process.env.PATH = '/usr/sbin:/usr/bin'
  process.env.LANG = 'C.UTF-8'
  // Node has no setrlimit: let prlimit(1) raise our own soft limits to the hard ones, so a caller
  // who lowered RLIMIT_FSIZE/NOFILE cannot make us write short files (writes are checked too).
  try {
    execFileSync(
      PRLIMIT_PATH,
      [
        '--pid',
        String(process.pid),
        ...rlimitReset(readFileSync('/proc/self/limits', 'utf8')).map(([k, v]) => `--${k}=${v}`)
      ],
      { stdio: 'ignore', timeout: 10_000 }
    )
  } catch {
    // Limits stay as they are; every write is checked, so this fails closed later.
  }
  // Node resets signal dispositions and the blocked mask at start-up, and libuv resets them
  // again in every child; a closed stdout must not kill us halfway (EPIPE is ignored).
  process.stdout.on('error', () => undefined)
  return pkexecUid
}

/** Reads at most MAX_REQUEST_BYTES + 1 bytes of stdin, giving up after a timeout. */
function readStdin(): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    const done = (err?: AppError): void => {
      clearTimeout(timer)
      process.stdin.removeAllListeners()
      process.stdin.pause()
      process.stdin.destroy()
      if (err) reject(err)
      else resolve(Buffer.concat(chunks))
    }
    const timer = setTimeout(
      () =>
        done(
          new AppError({ code: 'TIMEOUT', message: 'The helper got no complete request in time.' })
        ),
      STDIN_TIMEOUT_MS
    )
    process.stdin.on('data', (c: Buffer) => {
      chunks.push(c)
      size += c.length
      if (size > MAX_REQUEST_BYTES) done()
    })
    process.stdin.on('end', () => done())
    process.stdin.on('error', () => done())
  })
}

async function dispatch(req: HelperRequest, user: UserInfo): Promise<HelperResult> {
  const { config } = loadHelperConfig()
  const l = layout()
  ensureLayout(l)
  cleanStale(l)
  switch (req.op) {
    case 'dump':
      return dumpOp(req, user, l, config)
    case 'restore':
      return restoreOp(req, user, l, config)
    case 'delete':
      return deleteOp(req, user, l)
  }
}

function exitCodeFor(code: string): number {
  if (code === 'BAD_INPUT') return HELPER_EXIT.badRequest
  if (code === 'HELPER_REFUSED' || code === 'PERMISSION_DENIED') return HELPER_EXIT.refused
  return HELPER_EXIT.failed
}

async function main(): Promise<number> {
  const pkexecUid = normaliseProcess()
  let response: HelperResponse
  try {
    checkRoot(process.getuid?.() ?? -1, process.geteuid?.() ?? -1)
    const op = opFromArgv(process.argv)
    const uid = callerUidFromEnv(pkexecUid)
    checkRegularUser(uid, systemUidMin())
    const user = lookupUser(uid)
    const req = parseRequest(await readStdin(), op)
    response = { ok: true, result: await dispatch(req, user) }
  } catch (e) {
    response = { ok: false, error: toErrorData(e) }
  }
  process.stdout.write(JSON.stringify(response) + '\n')
  return response.ok ? HELPER_EXIT.ok : exitCodeFor(response.error.code)
}

main().then(
  (code) => {
    process.exitCode = code
  },
  () => {
    process.exitCode = HELPER_EXIT.failed
  }
)
