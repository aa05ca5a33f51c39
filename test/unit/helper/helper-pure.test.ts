/** Pure parts of the helper: strict JSON, the request, entry checks, /proc parsers, config, argv. */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'

import { describe, expect, it } from 'vitest'

import { parseHelperConf } from '../../../electron/helper/config'
import {
  asUserArgv,
  dumpCaps,
  helperDumpPlan,
  restoreCaps,
  rlimitReset,
  unprivDumpArgv
} from '../../../electron/helper/criu-argv'
import { signalArgv } from '../../../electron/helper/held-tree'
import {
  callerUidFromEnv,
  checkRegularUser,
  opFromArgv,
  parseUidMin
} from '../../../electron/helper/entry'
import { credsRefusal, type ImageCreds } from '../../../electron/helper/image-creds'
import {
  auxvIsSecure,
  parseStat,
  parseStatus,
  taskRefusal
} from '../../../electron/helper/proc-check'
import { parseRequest } from '../../../electron/helper/request'
import { parseStrictJson } from '../../../electron/helper/strict-json'
import { untrustedReason } from '../../../electron/helper/trusted-files'
import { pkexecExitError, parseHelperOutput } from '../../../electron/core/privilege/path'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('strict JSON', () => {
  it('parses plain JSON like JSON.parse', () => {
    expect(
      parseStrictJson('{"a":[1,2.5,-3e2],"b":"x\\ny","c":true,"d":null}', { maxDepth: 3 })
    ).toEqual({
      a: [1, 2.5, -300],
      b: 'x\ny',
      c: true,
      d: null
    })
  })
  it.each([
    ['{"a":1,"a":2}', /duplicate key/],
    ['{"a":"\\u0000"}', /NUL/],
    ['{"a":1}\0', /NUL/],
    ['[[[[1]]]]', /too deep/],
    ['{"a":01}', /trailing|expected/],
    ["{'a':1}", /expected a key/],
    ['{"a":"\\ud800"}', /surrogate/],
    ['{"a":1,}', /expected a key/]
  ])('rejects %s', (text, re) => {
    expect(() => parseStrictJson(text, { maxDepth: 3 })).toThrow(re)
  })
})

describe('request', () => {
  it('accepts a dump with choices and a name', () => {
    const r = parseRequest(
      enc('{"op":"dump","pid":1234,"startTicks":5,"choices":{"shellJob":true},"name":"my app"}'),
      'dump'
    )
    expect(r).toEqual({
      op: 'dump',
      pid: 1234,
      startTicks: 5,
      name: 'my app',
      choices: {
        keepRunning: false,
        tcpClose: false,
        extUnixSk: false,
        fileLocks: false,
        shellJob: true
      }
    })
  })
  it('refuses an op mismatch, paths and bad ids', () => {
    expect(() => parseRequest(enc('{"op":"restore","id":"x"}'), 'dump')).toThrow(/differs/)
    expect(() => parseRequest(enc('{"op":"delete","id":"../../etc"}'), 'delete')).toThrow(
      /malformed snapshot id/
    )
    expect(() =>
      parseRequest(enc('{"op":"delete","id":"20261127-001500-ab12cd"}'), 'delete')
    ).toThrow(/malformed/)
    expect(() =>
      parseRequest(enc('{"op":"dump","pid":5,"startTicks":1,"dir":"/etc"}'), 'dump')
    ).toThrow(/unknown key/)
    expect(() => parseRequest(new Uint8Array([0x7b, 0xff, 0x7d]), 'dump')).toThrow(/UTF-8/)
  })
})

describe('entry checks', () => {
  it('takes the op from argv[1] only, with argc 2', () => {
    expect(opFromArgv(['node', 'h', 'dump'])).toBe('dump')
    expect(() => opFromArgv(['node', 'h'])).toThrow(/exactly one/)
    expect(() => opFromArgv(['node', 'h', 'dump', 'x'])).toThrow(/exactly one/)
    expect(() => opFromArgv(['node', 'h', 'shell'])).toThrow(/Unknown/)
  })
  it('validates PKEXEC_UID and regular users', () => {
    expect(callerUidFromEnv('1000')).toBe(1000)
    for (const v of [undefined, '0', '-1', '4294967295', '01000', '1000 ', '0x10']) {
      expect(() => callerUidFromEnv(v)).toThrow()
    }
    expect(() => checkRegularUser(999, 1000)).toThrow(/regular user accounts/)
    expect(() => checkRegularUser(65534, 1000)).toThrow()
    expect(parseUidMin('# x\nUID_MIN\t\t\t 500\nUID_MAX 60000')).toBe(500)
    expect(parseUidMin('')).toBe(1000)
  })
})

describe('/proc parsers and task rules', () => {
  const stat = (comm: string, flags = 0x400000): string =>
    `42 (${comm}) S 1 42 42 0 -1 ${flags} 0 0 0 0 1 2 0 0 20 0 1 0 777 1000 10`
  const status = (o: Partial<Record<string, string>> = {}): string =>
    [
      `Uid:\t${o.uid ?? '1000\t1000\t1000\t1000'}`,
      `Gid:\t1000\t1000\t1000\t1000`,
      `TracerPid:\t${o.tracer ?? '0'}`,
      `NSpid:\t${o.nspid ?? '42'}`,
      `CapInh:\t0000000000000000`,
      `CapPrm:\t${o.prm ?? '0000000000000000'}`,
      `CapEff:\t0000000000000000`,
      `CapAmb:\t0000000000000000`
    ].join('\n')
  const rules = { uid: 1000, groups: [1000], forbidden: new Set([7]) }

  it('parses comm with spaces and parentheses', () => {
    expect(parseStat(stat('a) (b c'))).toMatchObject({
      pid: 42,
      state: 'S',
      ppid: 1,
      startTicks: 777
    })
  })
  it('refuses other uids, caps, tracers, kernel threads, namespaces, forbidden pids', () => {
    const ok = parseStat(stat('x'))!
    const check = (st: string, s: string, secure = false): string | null =>
      taskRefusal(parseStat(st)!, parseStatus(s)!, secure, rules)
    expect(check(stat('x'), status())).toBeNull()
    expect(check(stat('x'), status({ uid: '1000\t0\t1000\t1000' }))).toMatch(/another user/)
    expect(check(stat('x'), status({ prm: '0000000000000400' }))).toMatch(/capabilities/)
    expect(check(stat('x'), status({ tracer: '99' }))).toMatch(/tracer/)
    expect(check(stat('x', 0x00200000), status())).toMatch(/kernel thread/)
    expect(check(stat('x'), status({ nspid: '42\t1' }))).toMatch(/namespace/)
    expect(check(stat('x'), status(), true)).toMatch(/setuid/)
    expect(taskRefusal({ ...ok, pid: 7 }, parseStatus(status())!, false, rules)).toMatch(/Icebox/)
  })
  it('reads AT_SECURE from the aux vector', () => {
    const auxv = (secure: number): Buffer => {
      const b = Buffer.alloc(48)
      b.writeBigUInt64LE(6n, 0)
      b.writeBigUInt64LE(4096n, 8)
      b.writeBigUInt64LE(23n, 16)
      b.writeBigUInt64LE(BigInt(secure), 24)
      return b
    }
    expect(auxvIsSecure(auxv(0))).toBe(false)
    expect(auxvIsSecure(auxv(1))).toBe(true)
    expect(auxvIsSecure(Buffer.alloc(0))).toBe(true)
  })
})

describe('image creds rule (§4.6)', () => {
  const good: ImageCreds = {
    uid: 1000,
    gid: 1000,
    euid: 1000,
    egid: 1000,
    suid: 1000,
    sgid: 1000,
    fsuid: 1000,
    fsgid: 1000,
    capInh: [0, 0],
    capPrm: [0, 0],
    capEff: [0, 0],
    capAmb: [0, 0],
    secbits: 0,
    groups: [1000]
  }
  it('accepts the user’s own creds and refuses uid 0, caps, foreign groups, securebits', () => {
    expect(credsRefusal(good, 1000, [1000])).toBeNull()
    expect(credsRefusal({ ...good, fsuid: 0 }, 1000, [1000])).toMatch(/another user/)
    expect(credsRefusal({ ...good, capAmb: [0, 1] }, 1000, [1000])).toMatch(/capabilities/)
    expect(credsRefusal({ ...good, groups: [1000, 27] }, 1000, [1000])).toMatch(/group/)
    expect(credsRefusal({ ...good, secbits: 1 }, 1000, [1000])).toMatch(/securebits/)
  })
})

describe('config and CRIU wrapper', () => {
  it('accepts only setpcap as an extra capability', () => {
    const { config, problems } = parseHelperConf(
      'extra_restore_caps = setpcap, sys_admin\nmax_bytes_per_user = 2G\nmax_dumps_per_hour = 5\nbogus = 1'
    )
    expect(config.extraRestoreCaps).toEqual(['setpcap'])
    expect(config.maxBytesPerUser).toBe(2 * 1024 ** 3)
    expect(config.maxDumpsPerHour).toBe(5)
    expect(problems.join('\n')).toMatch(/sys_admin.*not allowed[\s\S]*bogus/)
  })
  it('runs criu as the user with only the ambient caps it needs, rlimits reset', () => {
    const limits =
      'Limit Soft Limit Hard Limit Units\nMax file size             1                    unlimited            bytes\nMax open files            64                   20000                files\n'
    const reset = rlimitReset(limits)
    expect(reset).toEqual([
      ['core', '0'],
      ['fsize', 'unlimited:unlimited'],
      ['nofile', '20000:20000']
    ])
    const cmd = asUserArgv({ uid: 1000, gid: 1000 }, dumpCaps(null), ['dump'], reset)
    expect(cmd.file).toBe('/usr/bin/prlimit')
    expect(cmd.args).toContain('--ambient-caps')
    expect(cmd.args[cmd.args.indexOf('--ambient-caps') + 1]).toBe('-all,+checkpoint_restore')
    expect(cmd.args.slice(-2)).toEqual(['/usr/sbin/criu', 'dump'])
    expect(dumpCaps(1)).toEqual(['checkpoint_restore', 'sys_ptrace'])
    expect(restoreCaps([])).toEqual(['checkpoint_restore'])
  })
  it('leaves the dumped tree stopped for the helper to end, unless it is kept running', () => {
    const choices = {
      keepRunning: false,
      shellJob: false,
      fileLocks: false,
      extUnixSk: false,
      tcpClose: false
    }
    const ended = unprivDumpArgv(helperDumpPlan(42, 7, [42], choices), '/s')
    expect(ended).toContain('--leave-stopped')
    expect(ended).not.toContain('--leave-running')
    const kept = unprivDumpArgv(
      helperDumpPlan(42, 7, [42], { ...choices, keepRunning: true }),
      '/s'
    )
    expect(kept).toContain('--leave-running')
    expect(kept).not.toContain('--leave-stopped')
  })
  it('signals the held tree as the user, with no groups and no capabilities', () => {
    const cmd = signalArgv({ uid: 1000, gid: 1001 }, 'KILL', [42, 43])
    expect(cmd.file).toBe('/usr/bin/setpriv')
    expect(cmd.args).toEqual([
      '--reuid',
      '1000',
      '--regid',
      '1001',
      '--clear-groups',
      '--inh-caps',
      '-all',
      '--',
      '/bin/kill',
      '-s',
      'KILL',
      '--',
      '42',
      '43'
    ])
  })
  it('§8.42 a group-writable or non-root program is not trusted', () => {
    const d = mkdtempSync(join(tmpdir(), 'icebox-trust-'))
    const f = join(d, 'criu')
    writeFileSync(f, '#!/bin/sh\n')
    chmodSync(f, 0o775)
    expect(untrustedReason(f)).toMatch(/writable by group or others/)
    chmodSync(f, 0o755)
    expect(untrustedReason(f)).toBeNull()
    expect(untrustedReason(join(d, 'missing'))).toMatch(/missing/)
  })
})

describe('pkexec exit codes (runHelper)', () => {
  it('maps 126/127 and relays helper errors', () => {
    expect(pkexecExitError(126)?.code).toBe('AUTH_DISMISSED')
    expect(pkexecExitError(127)?.message).toMatch(/not authorised, or no authentication agent/i)
    expect(() => parseHelperOutput('', 127)).toThrow(/Not authorised/)
    expect(() =>
      parseHelperOutput('{"ok":false,"error":{"code":"QUOTA_EXCEEDED","message":"full"}}', 1)
    ).toThrow(/full/)
    expect(parseHelperOutput('{"ok":true,"result":{"op":"delete","id":"x"}}', 0)).toEqual({
      op: 'delete',
      id: 'x'
    })
  })
})
