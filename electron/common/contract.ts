/**
 * The one API contract between the UI and the core.
 *
 * Every method has a zod schema for its input (validated at the boundary by the dispatcher, on
 * every transport) and a typed output; every event has a typed payload. Electron IPC, the
 * `icebox serve` WebSocket, the preload and the renderer client are all checked against it.
 */
import { z } from 'zod'

import type {
  FreezePlan,
  JobFinished,
  JobProgress,
  JobStarted,
  PreflightResult,
  ProcessDetails,
  ProcessesChanged,
  ProcessList,
  SnapshotDetails,
  SnapshotRow,
  SystemInfo
} from './api-types'
import type { CommandId } from './api-commands'
import type { AppErrorData } from './errors'
import type { EventName, MethodName } from './names'
import { SnapshotNameSchema } from './snapshot-name'

/** A phantom marker carrying an output type (outputs are produced by our own core). */
interface Out<T> {
  readonly __out?: T
}
function out<T>(): Out<T> {
  return {}
}

const Pid = z.number().int().positive().max(4_194_304)
const SnapshotId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z0-9._-]+$/, 'snapshot ids are letters, digits, dot, dash and underscore')
const JobId = z.string().min(1).max(100)
/** An archive path on the core's machine: absolute, a .tar file, no NUL or newline. */
const ArchivePath = z
  .string()
  .max(4096)
  .regex(/^\/[^\0\n]*\.tar$/, 'an absolute path ending in .tar')

/** The Freeze dialog's options (see FreezeOptions). */
export const FreezeOptionsSchema = z.strictObject({
  leaveRunning: z.boolean(),
  tcp: z.enum(['none', 'keep', 'close']),
  extUnixSockets: z.boolean(),
  fileLocks: z.boolean(),
  shellJob: z.boolean(),
  linkRemap: z.boolean()
})

const Empty = z.strictObject({}).optional()

/** The shortest live-refresh interval a client may ask for (a scan costs a few hundred ms). */
export const MIN_WATCH_MS = 500

export const contract = {
  methods: {
    'system.info': { input: Empty, output: out<SystemInfo>() },
    'processes.list': {
      input: z
        .strictObject({
          /**
           * Only the first N rows in tree order, marked `partial`: enough for a first screen
           * while the whole list (a second call, sharing the same scan) is on its way.
           */
          firstRows: z.number().int().positive().max(10_000).optional()
        })
        .optional(),
      output: out<ProcessList>()
    },
    'processes.inspect': { input: z.strictObject({ pid: Pid }), output: out<ProcessDetails>() },
    /**
     * Live list for this connection: the core scans every `intervalMs` (nothing while paused)
     * and pushes `processes.changed` with only what changed since the list the caller holds.
     */
    'processes.watch': {
      input: z.strictObject({
        intervalMs: z.number().int().min(MIN_WATCH_MS).max(60_000),
        paused: z.boolean(),
        /** Scan now and push the changes before answering ("Refresh now"). */
        scanNow: z.boolean().optional()
      }),
      output: out<{ watching: boolean }>()
    },
    'freeze.plan': { input: z.strictObject({ pid: Pid }), output: out<FreezePlan>() },
    'freeze.start': {
      input: z.strictObject({
        pid: Pid,
        startTicks: z.number().int().nonnegative().optional(),
        options: FreezeOptionsSchema,
        name: SnapshotNameSchema.optional()
      }),
      output: out<JobStarted>()
    },
    'job.cancel': {
      input: z.strictObject({ jobId: JobId }),
      output: out<{ cancelled: boolean }>()
    },
    'snapshots.list': { input: Empty, output: out<SnapshotRow[]>() },
    'snapshots.inspect': {
      input: z.strictObject({ id: SnapshotId }),
      output: out<SnapshotDetails>()
    },
    'snapshots.preflight': {
      input: z.strictObject({ id: SnapshotId }),
      output: out<PreflightResult>()
    },
    'snapshots.restore': {
      input: z.strictObject({ id: SnapshotId }),
      output: out<JobStarted>()
    },
    'snapshots.delete': {
      input: z.strictObject({ id: SnapshotId }),
      output: out<{ deleted: boolean }>()
    },
    'snapshots.export': {
      input: z.strictObject({ id: SnapshotId, path: ArchivePath.optional() }),
      output: out<{ path: string }>()
    },
    'snapshots.import': {
      input: z.strictObject({ path: ArchivePath }),
      output: out<SnapshotRow>()
    }
  },
  events: {
    'job.progress': out<JobProgress>(),
    'job.finished': out<JobFinished>(),
    'processes.changed': out<ProcessesChanged>(),
    /** Electron's app menu asks the renderer to run a command (see api-commands.ts). */
    'ui.command': out<{ id: CommandId }>()
  }
} satisfies {
  methods: Record<MethodName, { input: z.ZodType; output: Out<unknown> }>
  events: Record<EventName, Out<unknown>>
}

type Methods = typeof contract.methods

/** What a caller passes to method M (before parsing: optional fields may be left out). */
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
/** What a handler receives for M (after parsing). */
export type ParsedInput<M extends MethodName> = z.output<Methods[M]['input']>
/** What method M returns. */
export type MethodOutput<M extends MethodName> = NonNullable<Methods[M]['output']['__out']>
/** The payload of event E. */
export type EventPayload<E extends EventName> = NonNullable<(typeof contract.events)[E]['__out']>

/** The outcome of a call as it crosses a transport: errors are data with a stable code. */
export type Result<T> = { ok: true; value: T } | { ok: false; error: AppErrorData }

/** Who is calling, for handlers that care (logging, per-connection state). */
export interface CallContext {
  transport: 'ipc' | 'ws' | 'http' | 'memory'
  /** The caller's connection, when the transport can push events to it alone. */
  connection?: Connection
}

/** One client of a transport (a WebSocket, the window): events to it alone, and its end. */
export interface Connection {
  id: string
  emit: EmitEvent
  /** Runs `fn` once when the connection closes (immediately if it already has). */
  onClose(fn: () => void): void
}

/** The server side: one function per method. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>, ctx: CallContext) => Promise<MethodOutput<M>>
}

/** Sends an event to whoever listens (a window, every WebSocket client, a test). */
export type EmitEvent = <E extends EventName>(name: E, payload: EventPayload<E>) => void

/** The typed API the renderer and tests use; errors arrive as thrown AppError. */
export type Api = {
  [M in MethodName]: (
    ...args: undefined extends MethodInput<M> ? [input?: MethodInput<M>] : [input: MethodInput<M>]
  ) => Promise<MethodOutput<M>>
} & {
  subscribe<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void
}

/** The raw shape a transport offers (the preload object, the WebSocket client). */
export interface Transport {
  invoke(method: MethodName, input: unknown): Promise<Result<unknown>>
  subscribe(name: EventName, listener: (payload: unknown) => void): () => void
}
