/**
 * Reads many processes with two threads: a worker thread does the raw reads (raw.ts) of some
 * chunks of pids while the main thread reads other chunks and interprets every process as it
 * arrives. Most of a scan is syscalls (docs/performance-baselines.md), and on two cores they
 * overlap.
 *
 * The threads share a chunk counter (work stealing): each takes the next chunk when it is done
 * with one, so a busy or slow-starting worker simply gets fewer. The worker posts each chunk's
 * raw records (plain strings, cheap to copy); the main thread, which runs synchronously, takes
 * them with receiveMessageOnPort and waits with Atomics.wait. A worker that fails to start, or
 * stalls, costs nothing but time: its chunks are read on the main thread after a timeout.
 *
 * A worker takes ~200 ms to start here, so it is started (startParallelRead) before the scan
 * prepares what to read (/proc/locks decides whose fdinfo is read): it reads the socket tables,
 * then waits for that (`what`, posted by runParallelRead) and takes chunks.
 */
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'

import { fromRaw, IoFailure, mainRawIo } from './io'
import { NET_TABLES } from './net-tables'
import {
  MAPS_LINES,
  STATUS_LINES,
  rawReadBytes,
  rawReadLines,
  rawReadLink,
  rawReadProcess,
  rawReadText,
  type RawProcess,
  type RawText,
  type RawWhat
} from './raw'

/** Pids per chunk: small enough to balance the two threads, large enough to post rarely. */
const CHUNK = 24
/** How long the main thread waits for a chunk the worker took before reading it itself. */
const STALL_MS = 2000

/** Control words in shared memory. */
const NEXT = 0 // the next chunk to take
const POSTED = 1 // how many chunks the worker has posted
const GO = 2 // 1 once `what` is posted to the worker

type Message = { chunk: number; raws: RawProcess[] } | { net: Record<string, RawText> }

/** The worker's program: the raw readers' source plus a loop over chunks. */
function workerSource(): string {
  return `'use strict'
const { workerData, receiveMessageOnPort } = require('node:worker_threads')
const fs = require('node:fs')
const STATUS_LINES = ${JSON.stringify(STATUS_LINES)}
const MAPS_LINES = ${JSON.stringify(MAPS_LINES)}
${rawReadBytes.toString()}
${rawReadText.toString()}
${rawReadLines.toString()}
${rawReadLink.toString()}
${rawReadProcess.toString()}
const { ctrl, port, pids, procRoot, chunk: size, netDir, netTables } = workerData
const io = { fs, buf: Buffer.allocUnsafe(64 * 1024) }
if (netDir !== null) {
  const net = {}
  for (const name of netTables) net[name] = rawReadText(io, netDir + '/' + name, false)
  port.postMessage({ net })
}
let got
while (!(got = receiveMessageOnPort(port))) Atomics.wait(ctrl, ${GO}, 0, 100)
const what = got.message
const chunks = Math.ceil(pids.length / size)
for (;;) {
  const c = Atomics.add(ctrl, ${NEXT}, 1)
  if (c >= chunks) break
  const raws = []
  for (let i = c * size; i < Math.min(pids.length, (c + 1) * size); i++) {
    raws.push(rawReadProcess(io, procRoot, pids[i], what))
  }
  port.postMessage({ chunk: c, raws })
  Atomics.add(ctrl, ${POSTED}, 1)
  Atomics.notify(ctrl, ${POSTED})
}
port.close()
`
}

/** The worker, or null when it cannot be started (the main thread then reads everything). */
function startWorker(workerData: Record<string, unknown> & { port: MessagePort }): Worker | null {
  try {
    const worker = new Worker(workerSource(), {
      eval: true,
      workerData,
      transferList: [workerData.port],
      stdout: true,
      stderr: true
    })
    worker.unref()
    // An error in the worker only means the main thread reads more.
    worker.on('error', () => undefined)
    return worker
  } catch {
    return null
  }
}

/** What a parallel read did. */
export interface ParallelResult {
  chunks: number
  /** Chunks whose raw reads the worker did. */
  workerChunks: number
  /** The net tables the worker read (by NET_TABLES name), or null when it did not. */
  net: Map<string, string | IoFailure> | null
}

/** A parallel read whose worker is starting (startParallelRead). */
export interface ParallelRead {
  pids: readonly number[]
  procRoot: string
  ctrl: Int32Array
  port: MessagePort
  worker: Worker | null
}

/**
 * Starts the worker of a parallel read of `pids`. With `netDir`, it first reads the socket tables
 * there (the kernel is slow to write /proc/net/tcp with thousands of sockets). Hand the result
 * to runParallelRead, or to cancelParallelRead when the scan ends before that.
 */
export function startParallelRead(
  pids: readonly number[],
  procRoot: string,
  netDir: string | null = null
): ParallelRead {
  const ctrl = new Int32Array(new SharedArrayBuffer(12))
  const { port1, port2 } = new MessageChannel()
  const worker = startWorker({
    ctrl,
    port: port2,
    pids,
    procRoot,
    chunk: CHUNK,
    netDir,
    netTables: NET_TABLES
  })
  return { pids, procRoot, ctrl, port: port1, worker }
}

/** Stops a parallel read that will not be run. */
export function cancelParallelRead(read: ParallelRead): void {
  read.port.close()
  void read.worker?.terminate()
}

/**
 * Reads every pid, calling `onRaw` on the main thread for each (not in pid order: the caller
 * sorts). `onRaw` runs while the worker keeps reading. With `netDir`, the worker first reads the
 * socket tables there (see startParallelRead); runParallelRead hands them to `onNet` as they
 * arrive, so that they are parsed while the worker reads on.
 */
export function readRawParallel(
  pids: readonly number[],
  procRoot: string,
  what: RawWhat,
  onRaw: (raw: RawProcess) => void,
  netDir: string | null = null
): ParallelResult {
  return runParallelRead(startParallelRead(pids, procRoot, netDir), what, onRaw)
}

/** Runs a started parallel read (see readRawParallel). */
export function runParallelRead(
  read: ParallelRead,
  what: RawWhat,
  onRaw: (raw: RawProcess) => void,
  onNet?: (net: Map<string, string | IoFailure>) => void
): ParallelResult {
  const { pids, procRoot, ctrl, port: port1, worker } = read
  const chunks = Math.ceil(pids.length / CHUNK)
  port1.postMessage(what)
  Atomics.store(ctrl, GO, 1)
  Atomics.notify(ctrl, GO)

  const io = mainRawIo()
  const done = new Uint8Array(chunks)
  let workerChunks = 0
  let net: Map<string, string | IoFailure> | null = null
  const readChunk = (c: number): void => {
    done[c] = 1
    for (let i = c * CHUNK; i < Math.min(pids.length, (c + 1) * CHUNK); i++) {
      onRaw(rawReadProcess(io, procRoot, pids[i]!, what))
    }
  }
  const drain = (): number => {
    let got = 0
    for (;;) {
      const m = receiveMessageOnPort(port1)
      if (!m) return got
      const message = m.message as Message
      if ('net' in message) {
        net = new Map(Object.entries(message.net).map(([k, v]) => [k, fromRaw(v)]))
        onNet?.(net)
        continue
      }
      const { chunk, raws } = message
      got++
      if (done[chunk]) continue
      done[chunk] = 1
      workerChunks++
      for (const raw of raws) onRaw(raw)
    }
  }

  let received = 0
  for (;;) {
    // Interpreting what the worker read comes first: it keeps the worker's reads flowing, and
    // the main thread reads a chunk itself only when it would otherwise wait.
    const got = drain()
    received += got
    if (got > 0) continue
    const c = Atomics.add(ctrl, NEXT, 1)
    if (c >= chunks) break
    readChunk(c)
  }
  // Every chunk is taken; wait for the ones the worker took.
  const deadline = Date.now() + STALL_MS
  for (;;) {
    received += drain()
    if (done.every((d) => d === 1)) break
    const posted = Atomics.load(ctrl, POSTED)
    if (posted > received) continue
    if (Date.now() > deadline) {
      for (let c = 0; c < chunks; c++) if (!done[c]) readChunk(c)
      break
    }
    Atomics.wait(ctrl, POSTED, posted, 20)
  }
  // The tables come before any chunk, so they are here if the worker posted anything.
  drain()
  port1.close()
  void worker?.terminate()
  return { chunks, workerChunks, net }
}
