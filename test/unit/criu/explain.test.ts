import { describe, expect, it } from 'vitest'

import { explainLog } from '../../../electron/core/criu/explain'
import { isNoise, normalizeMessage, parseLogLine } from '../../../electron/core/criu/log'

/** A log as CRIU writes it with -v4 -o: header, the rlimit noise line, the cause, trailers. */
function log(...errors: string[]): string {
  return [
    '(00.000000) Version: 4.2.1 (gitid 0)',
    "(00.039671) Error (criu/util.c:1534): rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted",
    '(00.047239) Warn  (compel/arch/x86/src/lib/infect.c:419): Will restore 11241 with interrupted system call',
    ...errors,
    '(00.050000) Error (criu/cr-dump.c:2100): Dumping FAILED.'
  ].join('\n')
}
const E = (msg: string, src = 'criu/x.c:1'): string => `(00.048000) Error (${src}): ${msg}`

const DUMP: Array<[string, string, RegExp]> = [
  [
    'D1',
    E('The root process 12613 is not a session leader. Consider using --shell-job option'),
    /12613/
  ],
  ['D2', E('tty: Found dangling tty with sid 18300 pgid 18300 (pts) on peer fd 1.'), /terminal/],
  ['D4', E('unix: External socket is used. Consider using --ext-unix-sk option.'), /outside/],
  [
    'D4-stream',
    E(
      "unix: Can't dump half of stream unix connection. name: (null); peer name: /tmp/criu-exp/srv.sock"
    ),
    /\/tmp\/criu-exp\/srv\.sock/
  ],
  ['D5', E('inet: Connected TCP socket, consider using --tcp-established option.'), /TCP/],
  ['D6', E('Iptables configuration failed'), /network/],
  [
    'D9',
    E('Some file locks are hold by dumping tasks! You can try --file-locks to dump them.'),
    /file locks/
  ],
  [
    'D10',
    E("Can't dump ghost file /tmp/criu-exp/ghostfile of 4194304 size, increase limit"),
    /\/tmp\/criu-exp\/ghostfile/
  ],
  [
    'D11',
    E("Can't create link remap for /tmp/criu-exp/lr1. Use link-remap option."),
    /\/tmp\/criu-exp\/lr1/
  ],
  ['D12', E("Can't dump file 3 of that type [20600] (chr 10:232)"), /10:232/],
  [
    'D15',
    'pie: 4711: Error (criu/pie/parasite.c:588): send_fds failed (-22)\n' +
      E("Can't retrieve FDs from socket"),
    /io_uring/
  ],
  ['D16', E("Can't dump file 3 of that type [600] (anon anon_inode:[perf_event])"), /perf_event/],
  [
    'D19',
    '(00.01) Warn  (compel/src/lib/infect.c:132): Unable to interrupt task: 19115 (Operation not permitted)\n' +
      E('Unable to detach from 19115: No such process'),
    /19115/
  ],
  ['D20', E("Can't lookup mount=24 for fd=0 path=/dev/null"), /mount namespace/],
  // Captured 27 Nov: root dumping a process of user nobody without CAP_SYS_RESOURCE.
  [
    'rlimit-cap',
    E("Can't get rlimit 0: Operation not permitted", 'criu/cr-dump.c:389') +
      '\n' +
      E('Dump core (pid: 26483) failed with -1', 'criu/cr-dump.c:1584'),
    /resource limits/
  ],
  [
    'D29',
    E(
      'CRIU needs to have the CAP_SYS_ADMIN or the CAP_CHECKPOINT_RESTORE capability: setcap cap_checkpoint_restore+eip /usr/sbin/criu'
    ),
    /privileges/
  ]
]

const RESTORE: Array<[string, string, RegExp]> = [
  ['R1', E("Can't fork for 13174: File exists"), /13174/],
  ['R2', E("Requested sid 9694 doesn't match inherited 1"), /shell job/],
  [
    'R3',
    E("tty: Don't have tty to inherit session from, aborting") +
      '\n' +
      E('Unable to open fd=1 id=0x12'),
    /terminal/
  ],
  ['R6', E('File tmp/criu-exp/openfile has bad size 15 (expect 5)'), /\/tmp\/criu-exp\/openfile/],
  [
    'R7',
    E('File tmp/criu-exp/t2 has bad size 35664 (expect 17792)') + '\n' + E("`- Can't open vma"),
    /program file \/tmp\/criu-exp\/t2/
  ],
  [
    'R8',
    E("Can't open file tmp/criu-exp/openfile on restore: No such file or directory") +
      '\n' +
      E('Unable to open fd=3 id=0x6'),
    /\/tmp\/criu-exp\/openfile is gone/
  ],
  [
    'R9',
    E(
      'unix: External socket found in image. Consider using the --ext-unix-sk option to allow restoring it.'
    ),
    /outside/
  ],
  ['R17', E('iptables: Bad rule (does a matching rule exist in that chain?)'), /already removed/]
]

describe('explainLog', () => {
  it.each(DUMP)('dump %s', (id, lines, text) => {
    const e = explainLog(log(lines), 'dump')
    expect(e.id).toBe(id)
    expect(e.message).toMatch(text)
    expect(e.why.length).toBeGreaterThan(0)
    expect(e.remedy.length).toBeGreaterThan(0)
  })

  it.each(RESTORE)('restore %s', (id, lines, text) => {
    const e = explainLog(log(lines).replace('Dumping FAILED', 'Restoring FAILED'), 'restore')
    expect(e.id).toBe(id)
    expect(e.message).toMatch(text)
  })

  it('prefers a full disk over the errors it causes', () => {
    const e = explainLog(
      log(E("Can't write page: No space left on device"), E('Dump files (pid: 5) failed with -1')),
      'dump'
    )
    expect(e.id).toBe('ENOSPC')
    expect(e.code).toBe('NO_SPACE')
  })

  it('skips the rlimit noise and the generic trailers and reports the first real error', () => {
    const e = explainLog(log(E('something nobody has seen before 42')), 'dump')
    expect(e.id).toBe('unknown')
    expect(e.message).toContain('something nobody has seen before 42')
  })

  it('says criu was killed when the log has no real error', () => {
    const e = explainLog(log(), 'dump', { exitCode: null, signal: 'SIGKILL' })
    expect(e.id).toBe('killed')
    expect(e.message).toContain('SIGKILL')
  })

  it('finds D2 from the plain stdout message too', () => {
    const e = explainLog(
      'Task attached to shell terminal. Consider using --shell-job option. More details on http://criu.org/Simple_loop',
      'dump'
    )
    expect(e.id).toBe('D2')
  })

  it('does not apply restore entries to a dump', () => {
    expect(explainLog(log(E("Can't fork for 13174: File exists")), 'dump').id).toBe('unknown')
  })
})

describe('log lines', () => {
  it('parses timestamp, level, source and message, also for pie and Warn lines', () => {
    const l = parseLogLine('(00.039671) Error (criu/util.c:1534): rlimit: x')
    expect(l).toMatchObject({
      time: 0.039671,
      level: 'Error',
      source: 'criu/util.c',
      message: 'rlimit: x'
    })
    expect(
      parseLogLine('pie: 5: Error (criu/pie/parasite.c:588): send_fds failed (-22)')?.message
    ).toBe('send_fds failed (-22)')
    expect(parseLogLine('(00.1) Warn  (criu/a.c:2): careful')?.level).toBe('Warn')
    expect(parseLogLine('(00.1) Dumping pages')).toBeNull()
  })

  it('normalizes volatile numbers and recognises noise', () => {
    expect(normalizeMessage("Can't fork for 13174: File exists")).toBe(
      "Can't fork for N: File exists"
    )
    expect(isNoise("rlimit: Can't setup RLIMIT_NOFILE for self: Operation not permitted")).toBe(
      true
    )
    expect(isNoise('Dump files (pid: 5) failed with -1')).toBe(true)
    expect(isNoise('Some file locks are hold by dumping tasks!')).toBe(false)
  })
})
