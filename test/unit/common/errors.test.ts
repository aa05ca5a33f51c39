/** Errors of the machine (permissions, missing paths, full disks) are said as such, not as bugs. */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { AppError, toErrorData } from '../../../electron/common/errors'

/** What node:fs throws, as it throws it. */
function thrownBy(f: () => unknown): unknown {
  try {
    f()
  } catch (err) {
    return err
  }
  throw new Error('did not throw')
}

/** A Node system error as fs builds it (EACCES cannot be provoked as root). */
function systemError(code: string, syscall: string, path: string): Error {
  return Object.assign(new Error(`${code}: failed, ${syscall} '${path}'`), { code, syscall, path })
}

describe('toErrorData', () => {
  it('keeps an AppError as it is', () => {
    const e = new AppError({ code: 'BAD_INPUT', message: 'm', why: 'w', remedy: 'r' })
    expect(toErrorData(e)).toEqual({ code: 'BAD_INPUT', message: 'm', why: 'w', remedy: 'r' })
  })

  it('says a missing path is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'icebox-errors-'))
    rmSync(dir, { recursive: true })
    expect(toErrorData(thrownBy(() => readdirSync(dir)))).toEqual({
      code: 'BAD_INPUT',
      message: `Icebox could not list the directory ${dir}: it does not exist.`,
      remedy: 'Check the path (a file or directory given on the command line, or the store).'
    })
  })

  it('says what was refused, why and what to do for a permission error', () => {
    expect(toErrorData(systemError('EACCES', 'scandir', '/var/lib/icebox/images'))).toEqual({
      code: 'PERMISSION_DENIED',
      message: 'Icebox was not allowed to list the directory /var/lib/icebox/images.',
      why: 'The system refused it (EACCES): it belongs to another user, or its permissions do not allow it.',
      remedy:
        'Check who owns /var/lib/icebox/images and its permissions, or run Icebox as a user who may use it.'
    })
  })

  it('says a full disk is full', () => {
    expect(toErrorData(systemError('ENOSPC', 'write', '/srv/store/x'))).toMatchObject({
      code: 'NO_SPACE',
      message: 'There is no space left for /srv/store/x.'
    })
  })

  it('calls anything else a bug in Icebox', () => {
    expect(toErrorData(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: 'x is undefined',
      remedy: 'This is a bug in Icebox; please report it.'
    })
    expect(toErrorData(systemError('EBADF', 'read', '/x')).code).toBe('INTERNAL')
  })
})
