import { describe, expect, it } from 'vitest'

import { USER_CONTEXT, findingsWithId, proc, tcpSocket, withFds } from './builders'

describe('tcp-established rule', () => {
  it('needs --tcp-established (or --tcp-close) as root, with both addresses', () => {
    const p = proc(100, {
      fds: withFds(
        tcpSocket(3),
        tcpSocket(4, { proto: 'tcp6', local: '[::1]:5', remote: '[::1]:6' })
      )
    })
    const [f, ...rest] = findingsWithId([p], 100, 'tcp-established')
    expect(rest).toEqual([])
    expect(f).toMatchObject({
      severity: 'needs-option',
      option: '--tcp-established',
      alternatives: ['--tcp-close']
    })
    expect(f!.evidence).toEqual([
      'fd 3: 127.0.0.1:40000 -> 127.0.0.1:8080',
      'fd 4: [::1]:5 -> [::1]:6'
    ])
  })

  it('uses --tcp-close in user mode and says keeping them needs root', () => {
    const p = proc(100, { fds: withFds(tcpSocket(3)) })
    const [f] = findingsWithId([p], 100, 'tcp-established', { context: USER_CONTEXT })
    expect(f!.option).toBe('--tcp-close')
    expect(f!.alternatives).toBeUndefined()
    expect(f!.message).toMatch(/needs root/)
  })

  it('shows the state of a half-closed connection', () => {
    const p = proc(100, { fds: withFds(tcpSocket(3, { state: 'CLOSE_WAIT' })) })
    expect(findingsWithId([p], 100, 'tcp-established')[0]!.evidence).toEqual([
      'fd 3: 127.0.0.1:40000 -> 127.0.0.1:8080 (CLOSE_WAIT)'
    ])
  })

  it('ignores listening TCP sockets and UDP sockets', () => {
    const p = proc(100, {
      fds: withFds(
        tcpSocket(3, { state: 'LISTEN', remote: '0.0.0.0:*' }),
        tcpSocket(4, { proto: 'udp', type: 'dgram', state: 'ESTABLISHED' })
      )
    })
    expect(findingsWithId([p], 100, 'tcp-established')).toEqual([])
  })
})
