/**
 * electron-builder.yml as electron-builder really reads it: the deb is built from the tree
 * `npm run build` made, with stand-ins for the three things these machines cannot download (the
 * Electron binary, fpm, appimagetool is not needed for the deb). The stand-in Electron carries a
 * fuse wire with every fuse on, so each fuse the config turns off shows as flipped; the stand-in
 * fpm records the arguments, maintainer scripts and desktop entry electron-builder hands it.
 * What is checked is what the deb would install: the fuses, the files in app.asar and beside it,
 * the CLI running from its installed place, the package's dependencies and scripts.
 */
import { execFile } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const REPO = join(import.meta.dirname, '..', '..', '..')
const DIST = join(REPO, 'dist')
/** Where the deb puts the app (electron-builder: /opt/productName). */
const PREFIX = '/opt/Icebox'

/** @electron/fuses' marker; the wire follows it: version 1, its length, one byte per fuse. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
const FUSES = [
  'RunAsNode',
  'EnableCookieEncryption',
  'EnableNodeOptionsEnvironmentVariable',
  'EnableNodeCliInspectArguments',
  'EnableEmbeddedAsarIntegrityValidation',
  'OnlyLoadAppFromAsar',
  'LoadBrowserProcessSpecificV8Snapshot',
  'GrantFileProtocolExtraPrivileges'
]

let work = ''
let unpacked = ''
let record = ''
let fpmArgs: string[] = []

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      cmd,
      args,
      { cwd: REPO, env, maxBuffer: 16 << 20, timeout: 180_000 },
      (err, out, errOut) =>
        err
          ? reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${out}\n${errOut}`))
          : resolve(out)
    )
  })
}

/** Every file below `dir`, as paths relative to it, sorted. */
function filesBelow(dir: string): string[] {
  const out: string[] = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name))
      else out.push(relative(dir, join(d, e.name)))
    }
  }
  walk(dir)
  return out.sort()
}

/** The files of an asar archive, from its JSON header (a pickled string after 16 bytes). */
function asarFiles(path: string): string[] {
  const buf = readFileSync(path)
  const header = JSON.parse(buf.toString('utf8', 16, 16 + buf.readUInt32LE(12))) as AsarDir
  const out: string[] = []
  const walk = (node: AsarDir, at: string): void => {
    for (const [name, child] of Object.entries(node.files)) {
      if ('files' in child) walk(child, at + name + '/')
      else out.push(at + name)
    }
  }
  walk(header, '')
  return out.sort()
}
interface AsarDir {
  files: Record<string, AsarDir | { size: number }>
}

/** Fuse name → state ('0' off, '1' on) in an Electron binary. */
function fuseWire(binary: string): Record<string, string> {
  const buf = readFileSync(binary)
  const at = buf.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length
  const wire: Record<string, string> = {}
  FUSES.forEach((name, i) => (wire[name] = String.fromCharCode(buf[at + 2 + i]!)))
  return wire
}

/** A desktop entry's keys. */
function desktopKeys(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) out[line.slice(0, eq)] = line.slice(eq + 1)
  }
  return out
}

/** The value after each occurrence of `flag` in fpm's arguments. */
function fpmValues(flag: string): string[] {
  return fpmArgs.flatMap((a, i) => (a === flag ? [fpmArgs[i + 1]!] : []))
}

beforeAll(async () => {
  for (const built of [
    'electron/main.cjs',
    'renderer/index.html',
    'cli.mjs',
    'icebox-helper.cjs'
  ]) {
    if (!existsSync(join(DIST, built)))
      throw new Error(`dist/${built} is missing: run npm run build first`)
  }
  work = mkdtempSync(join(tmpdir(), 'icebox-packaging-'))
  const electronDist = join(work, 'electron-dist')
  const bin = join(work, 'bin')
  record = join(work, 'fpm-record')
  for (const d of [electronDist, bin, record]) rmSync(d, { recursive: true, force: true })
  await run('mkdir', ['-p', electronDist, bin, record])
  writeFileSync(
    join(electronDist, 'electron'),
    Buffer.concat([
      Buffer.from('#!/bin/sh\necho stand-in Electron >&2\nexit 1\n'),
      Buffer.from(FUSE_SENTINEL),
      Buffer.from([1, FUSES.length]),
      Buffer.from('1'.repeat(FUSES.length))
    ])
  )
  chmodSync(join(electronDist, 'electron'), 0o755)
  writeFileSync(
    join(bin, 'fpm'),
    [
      '#!/bin/sh',
      '# Stand-in fpm: keeps its arguments and the temporary files they name.',
      `rec='${record}'`,
      'printf "%s\\n" "$@" > "$rec/args"',
      'prev=',
      'for a in "$@"; do',
      '  case "$prev" in --after-install) cp "$a" "$rec/postinst" ;; --after-remove) cp "$a" "$rec/postrm" ;; esac',
      '  case "$a" in *.desktop=*) cp "${a%%=*}" "$rec/desktop" ;; esac',
      '  prev="$a"',
      'done'
    ].join('\n') + '\n'
  )
  chmodSync(join(bin, 'fpm'), 0o755)
  const out = join(work, 'release')
  await run(
    join(REPO, 'node_modules', '.bin', 'electron-builder'),
    [
      '--linux',
      'deb',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${out}`,
      '--publish',
      'never'
    ],
    { ...process.env, PATH: `${bin}:${process.env.PATH ?? ''}`, USE_SYSTEM_FPM: 'true' }
  )
  unpacked = join(out, 'linux-unpacked')
  fpmArgs = readFileSync(join(record, 'args'), 'utf8').trimEnd().split('\n')
})

afterAll(() => {
  if (work !== '') rmSync(work, { recursive: true, force: true })
})

describe('the deb electron-builder.yml describes', () => {
  it('flips the fuses of the security checklist in the app binary', () => {
    expect(fuseWire(join(unpacked, 'icebox-desktop'))).toEqual({
      RunAsNode: '0',
      EnableCookieEncryption: '1',
      EnableNodeOptionsEnvironmentVariable: '0',
      EnableNodeCliInspectArguments: '0',
      EnableEmbeddedAsarIntegrityValidation: '1',
      OnlyLoadAppFromAsar: '1',
      // Not configured: left as the binary has it.
      LoadBrowserProcessSpecificV8Snapshot: '1',
      GrantFileProtocolExtraPrivileges: '0'
    })
  })

  it('packs exactly the built app into app.asar, and its entry point is there', () => {
    const packed = asarFiles(join(unpacked, 'resources', 'app.asar'))
    const expected = [
      'package.json',
      ...filesBelow(join(DIST, 'electron')).map((f) => 'dist/electron/' + f),
      ...filesBelow(join(DIST, 'renderer')).map((f) => 'dist/renderer/' + f)
    ].sort()
    expect(packed).toEqual(expected)
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { main: string }
    expect(packed).toContain(pkg.main)
    expect(packed.filter((f) => /node_modules|\.tsx?$|\.map$/.test(f))).toEqual([])
  })

  it('ships the CLI, the helper and the polkit policy beside it, as built', () => {
    const resources = join(unpacked, 'resources')
    const shipped: Array<[string, string]> = [
      ['cli/cli.mjs', join(DIST, 'cli.mjs')],
      ['helper/icebox-helper.cjs', join(DIST, 'icebox-helper.cjs')],
      ['linux/org.icebox.policy', join(REPO, 'assets/linux/org.icebox.policy')],
      ...filesBelow(join(DIST, 'cli-chunks')).map((f): [string, string] => [
        'cli/cli-chunks/' + f,
        join(DIST, 'cli-chunks', f)
      ])
    ]
    for (const [inPackage, source] of shipped) {
      expect(readFileSync(join(resources, inPackage)).equals(readFileSync(source)), inPackage).toBe(
        true
      )
    }
  })

  it('runs the shipped CLI from its installed place (its chunks resolve there)', async () => {
    const out = await run(process.execPath, [
      join(unpacked, 'resources', 'cli', 'cli.mjs'),
      'ps',
      '--json',
      '--mine'
    ])
    const rows = JSON.parse(out) as Array<{ pid: number }>
    expect(rows.map((r) => r.pid)).toContain(process.pid)
  })

  it('installs the app under /opt/Icebox with the dependencies the core and helper use', () => {
    expect(fpmArgs).toContain(`${unpacked}/=${PREFIX}`)
    expect(fpmValues('-d')).toEqual(
      expect.arrayContaining([
        'criu (>= 4.2)',
        'pkexec',
        'polkitd',
        'util-linux',
        'acl',
        'iproute2',
        'nodejs (>= 20)'
      ])
    )
    expect(fpmValues('--maintainer')[0]).toMatch(/<[^@>]+@[^>]+>$/)
  })

  it('hands fpm our maintainer scripts, and every file they name is in the package', () => {
    expect(readFileSync(join(record, 'postinst'), 'utf8')).toBe(
      readFileSync(join(REPO, 'assets/linux/postinst.sh'), 'utf8')
    )
    expect(readFileSync(join(record, 'postrm'), 'utf8')).toBe(
      readFileSync(join(REPO, 'assets/linux/postrm.sh'), 'utf8')
    )
    const postinst = readFileSync(join(record, 'postinst'), 'utf8')
    const res = /^RES=(\S+)$/m.exec(postinst)?.[1]
    expect(res).toBe(`${PREFIX}/resources`)
    const named = [
      ...[...postinst.matchAll(/"\$RES\/([^"]+)"/g)].map((m) => `${PREFIX}/resources/${m[1]}`),
      // The wrapper's /usr/bin/node … /opt/… lines.
      ...[...postinst.matchAll(/\/usr\/bin\/node(?: --\S+)* (\/opt\/\S+)/g)].map((m) => m[1]!)
    ]
    expect(named.length).toBeGreaterThanOrEqual(4)
    for (const path of new Set(named)) {
      expect(statSync(join(unpacked, relative(PREFIX, path))).isFile(), path).toBe(true)
    }
  })

  it('installs the desktop entry of assets/icebox.desktop, launching the packaged binary', () => {
    const entry = desktopKeys(readFileSync(join(record, 'desktop'), 'utf8'))
    expect(entry).toEqual(desktopKeys(readFileSync(join(REPO, 'assets/icebox.desktop'), 'utf8')))
    expect(entry.Exec).toBe(`${PREFIX}/icebox-desktop %U`)
    expect(fpmArgs).toContain(
      `${REPO}/assets/icons/256x256.png=/usr/share/icons/hicolor/256x256/apps/${entry.Icon}.png`
    )
    expect(
      fpmArgs.filter((a) => a.endsWith(`=/usr/share/applications/icebox-desktop.desktop`))
    ).toHaveLength(1)
  })
})
