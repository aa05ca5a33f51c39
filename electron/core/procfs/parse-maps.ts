/**
 * /proc/PID/maps: "start-end perms offset major:minor inode   path". Only the lines CRIU cares
 * about are looked at: device files, SysV shared memory, [uprobes] and deleted files. Large
 * processes have thousands of lines, so the text is searched for those markers instead of
 * parsing every line.
 */

/** A device file mapped into memory (rdev not known yet: maps shows the /dev filesystem's dev). */
export interface MapsFacts {
  devicePaths: string[]
  sysvShm: boolean
  uprobes: boolean
  deletedFiles: string[]
}

const DELETED = ' (deleted)'

/** The path column of one maps line, or '' when the mapping is anonymous. */
export function mapsLinePath(line: string): string {
  // Five fixed columns, then padding, then the path (which may contain spaces).
  let i = 0
  for (let col = 0; col < 5; col++) {
    const sp = line.indexOf(' ', i)
    if (sp < 0) return ''
    i = sp + 1
  }
  while (i < line.length && line.charCodeAt(i) === 32) i++
  return line.slice(i)
}

/** Lines of `text` that contain `marker`, each once, keyed by where they start. */
function linesWith(
  text: string,
  marker: string,
  seen: Set<number>,
  out: Array<[number, string]>
): void {
  let at = text.indexOf(marker)
  while (at >= 0) {
    const start = text.lastIndexOf('\n', at) + 1
    let end = text.indexOf('\n', at)
    if (end < 0) end = text.length
    if (!seen.has(start)) {
      seen.add(start)
      out.push([start, text.slice(start, end)])
    }
    at = text.indexOf(marker, end)
  }
}

/** Extracts what matters to CRIU from maps text. */
export function parseMaps(text: string): MapsFacts {
  const hits: Array<[number, string]> = []
  const seen = new Set<number>()
  linesWith(text, ' /dev/', seen, hits)
  linesWith(text, ' /SYSV', seen, hits)
  linesWith(text, ' [uprobes]', seen, hits)
  linesWith(text, DELETED, seen, hits)
  // Back in file order, so the lists read like the maps file.
  const lines = hits.sort((a, b) => a[0] - b[0]).map((h) => h[1])
  const devicePaths = new Set<string>()
  const deleted = new Set<string>()
  let sysvShm = false
  let uprobes = false
  for (const line of lines) {
    const path = mapsLinePath(line)
    if (path === '') continue
    if (path === '[uprobes]') {
      uprobes = true
      continue
    }
    if (path.startsWith('/SYSV')) {
      sysvShm = true
      continue
    }
    const isDeleted = path.endsWith(DELETED)
    const bare = isDeleted ? path.slice(0, -DELETED.length) : path
    // Shared anonymous memory shows as "/dev/zero (deleted)"; memfd as "/memfd:…".
    if (bare === '/dev/zero' || bare.startsWith('/memfd:')) continue
    if (bare.startsWith('/dev/') && !bare.startsWith('/dev/shm/') && !isDeleted) {
      devicePaths.add(bare)
      continue
    }
    if (isDeleted) deleted.add(bare)
  }
  return { devicePaths: [...devicePaths], sysvShm, uprobes, deletedFiles: [...deleted] }
}
