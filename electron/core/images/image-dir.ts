/**
 * Reads image files from a CRIU images directory: the only module here that touches the disk.
 * Files are opened non-blocking and must be regular files below a size cap, so a FIFO, a device
 * or a huge file planted in a snapshot directory cannot hang or exhaust the reader.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs'
import { join } from 'node:path'

import { ImageError } from './errors'
import { readImageFile, type ImageFile, type ReadImageOptions } from './read-image'
import type { Decoded } from './schema'

/** Largest metadata image we read (files.img of a process with many fds is a few MiB). */
export const DEFAULT_FILE_CAP = 64 * 1024 * 1024

export interface ReadDirImageOptions extends ReadImageOptions {
  fileCap?: number
}

/** Reads and parses `dir/name`; returns null when the file does not exist. */
export function readImageIfPresent(
  dir: string,
  name: string,
  opts: ReadDirImageOptions = {}
): ImageFile | null {
  const bytes = readBytes(dir, name, opts.fileCap ?? DEFAULT_FILE_CAP)
  return bytes === null ? null : readImageFile(bytes, name, opts)
}

/** Reads and parses `dir/name`; a missing file is an ImageError. */
export function readImage(dir: string, name: string, opts: ReadDirImageOptions = {}): ImageFile {
  const file = readImageIfPresent(dir, name, opts)
  if (file === null) throw new ImageError(name, 0, 'file is missing from the snapshot')
  return file
}

/** The single entry of a one-entry image (core, ids, fs, mm, inventory, stats…). */
export function singleEntry(file: ImageFile, name: string, expectType: string): Decoded {
  if (file.type !== expectType) {
    throw new ImageError(name, 4, `expected a ${expectType} image, found ${file.type}`)
  }
  const entry = file.entries[0]
  if (entry === undefined) throw new ImageError(name, 8, `the ${expectType} image has no entry`)
  return entry
}

/** Reads a whole regular file below `cap` bytes, or null if it does not exist. */
export function readBytes(dir: string, name: string, cap: number): Uint8Array | null {
  if (name.includes('/') || name === '..' || name === '.') {
    throw new ImageError(name, 0, 'not a plain image file name')
  }
  let fd: number
  try {
    fd = openSync(join(dir, name), constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new ImageError(name, 0, `cannot open: ${(err as Error).message}`)
  }
  try {
    const st = fstatSync(fd)
    if (!st.isFile()) throw new ImageError(name, 0, 'not a regular file')
    if (st.size > cap) {
      throw new ImageError(name, 0, `file is ${st.size} bytes, more than the ${cap}-byte cap`)
    }
    const buf = new Uint8Array(st.size)
    let got = 0
    while (got < buf.length) {
      const n = readSync(fd, buf, got, buf.length - got, got)
      if (n === 0) break
      got += n
    }
    return got === buf.length ? buf : buf.subarray(0, got)
  } finally {
    closeSync(fd)
  }
}
