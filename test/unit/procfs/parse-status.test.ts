import { describe, expect, it } from 'vitest'

import { parseStatus } from '../../../electron/core/procfs/parse-status'
import { STATUS_LINES } from '../../../electron/core/procfs/raw'
import { keptLines } from './kept-lines'

const STATUS = [
  'Name:\tsleep',
  'Umask:\t0022',
  'State:\tS (sleeping)',
  'Tgid:\t4242',
  'Ngid:\t0',
  'Pid:\t4242',
  'PPid:\t4200',
  'TracerPid:\t4300',
  'Uid:\t1000\t1001\t1002\t1003',
  'Gid:\t100\t101\t102\t103',
  'FDSize:\t64',
  'Groups:\t100 27 ',
  'NStgid:\t4242\t7',
  'NSpid:\t4242\t7',
  'NSpgid:\t4200\t1',
  'NSsid:\t4200\t1',
  'Threads:\t3',
  'CapInh:\t0000000000000000',
  'CapPrm:\t000001fffeffffff',
  'CapEff:\t0000000000000000',
  ''
].join('\n')

describe('parseStatus', () => {
  it('reads uids, gids, TracerPid, Threads, NSpid and capability sets', () => {
    expect(parseStatus(STATUS)).toEqual({
      uids: [1000, 1001, 1002, 1003],
      gids: [100, 101, 102, 103],
      tracerPid: 4300,
      threads: 3,
      nspid: [4242, 7],
      capPrm: '000001fffeffffff',
      capEff: '0000000000000000'
    })
  })

  it('does not confuse NSpid with Pid or NStgid', () => {
    const s = parseStatus('Pid:\t5\nNStgid:\t5\t9\nNSpid:\t5\n')
    expect(s.nspid).toEqual([5])
  })

  it('gives nulls and zeros for a truncated file', () => {
    const s = parseStatus('Name:\tx\nUid:\t1000\t1000')
    expect(s).toEqual({
      uids: null,
      gids: null,
      tracerPid: 0,
      threads: null,
      nspid: [],
      capPrm: null,
      capEff: null
    })
  })

  it('reads a key on the very first line', () => {
    expect(parseStatus('TracerPid:\t77\n').tracerPid).toBe(77)
  })
})

describe('the status lines the raw reader keeps (STATUS_LINES)', () => {
  it('parse to what the whole file does, and are only those lines', () => {
    const kept = keptLines(STATUS, STATUS_LINES, true)
    expect(parseStatus(kept)).toEqual(parseStatus(STATUS))
    expect(kept.split('\n').map((l) => l.split(':')[0])).toEqual([
      'TracerPid',
      'Uid',
      'Gid',
      'NSpid',
      'Threads',
      'CapPrm',
      'CapEff'
    ])
  })
})
