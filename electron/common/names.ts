/**
 * The names of every contract method and event, and the IPC channel prefix.
 *
 * No imports on purpose: the sandboxed preload bundles only this file, so it stays tiny and
 * builds its allow-list of channels from these tuples.
 */

/** Prefix of every Electron IPC channel Icebox uses; main refuses anything else. */
export const CHANNEL_PREFIX = 'icebox:'

/** Channel on which main pushes contract events to the window. */
export const EVENT_CHANNEL = 'icebox:event'

/** Every method of the contract, `domain.verb`. */
export const METHOD_NAMES = [
  'system.info',
  'processes.list',
  'processes.inspect',
  'processes.watch',
  'freeze.plan',
  'freeze.start',
  'job.cancel',
  'snapshots.list',
  'snapshots.inspect',
  'snapshots.preflight',
  'snapshots.restore',
  'snapshots.delete',
  'snapshots.export',
  'snapshots.import'
] as const

/** Every event the core pushes to the UI. */
export const EVENT_NAMES = [
  'job.progress',
  'job.finished',
  'processes.changed',
  'ui.command'
] as const

export type MethodName = (typeof METHOD_NAMES)[number]
export type EventName = (typeof EVENT_NAMES)[number]

/** True when `name` is one of the contract's methods (an own entry of the tuple). */
export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && (METHOD_NAMES as readonly string[]).includes(name)
}

/** True when `name` is one of the contract's events. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && (EVENT_NAMES as readonly string[]).includes(name)
}
