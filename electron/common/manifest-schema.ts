/**
 * The one schema of `manifest.json`. A manifest is untrusted input (an imported archive, a file
 * in the store anyone with root could have edited): the store, import and restore read fields
 * deep inside it (`sizes.total`, `preflight.files`), so every field the code reads is checked
 * here, not only the top-level types. Unknown keys are allowed (the helper adds `helper`).
 */
import { z } from 'zod'

import type { Finding } from './model'
import { isSnapshotId, MANIFEST_FORMAT, type Manifest } from './snapshot'

const Int = z.number().int()
const Count = z.number().int().nonnegative()
const Text = z.string()
const NullableText = Text.nullable()

/** Findings are shown, never acted on: check the shape the views read. */
const FindingSchema = z.custom<Finding>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Finding).id === 'string' &&
    typeof (v as Finding).severity === 'string' &&
    typeof (v as Finding).pid === 'number' &&
    typeof (v as Finding).message === 'string' &&
    Array.isArray((v as Finding).evidence),
  'a finding with id, severity, pid, message and evidence'
)

const SourceSchema = z.object({
  pid: Int,
  name: Text,
  cmdline: z.array(Text),
  uid: Int,
  user: Text,
  startTime: Text,
  startTicks: z.number(),
  exe: NullableText,
  cwd: NullableText,
  sessionLeader: z.boolean(),
  tty: NullableText
})

const FlagsSchema = z.object({
  shellJob: z.boolean(),
  fileLocks: z.boolean(),
  extUnixSk: z.boolean(),
  tcp: z.enum(['established', 'close']).nullable(),
  networkLock: z.enum(['nftables', 'iptables']).nullable(),
  linkRemap: z.boolean(),
  allowUprobes: z.boolean(),
  ghostLimitBytes: z.number().nullable(),
  leaveRunning: z.boolean(),
  argv: z.array(Text)
})

const StatsSchema = z.object({
  freezingTimeUs: z.number(),
  frozenTimeUs: z.number(),
  memdumpTimeUs: z.number(),
  memwriteTimeUs: z.number(),
  pagesScanned: z.number(),
  pagesSkippedParent: z.number(),
  pagesWritten: z.number(),
  pagesLazy: z.number()
})

const RestoreSchema = z.object({
  at: Text,
  rootPid: Int.nullable(),
  ok: z.boolean(),
  error: NullableText
})

const PreflightSchema = z.object({
  pids: z.array(Int),
  files: z.array(
    z.object({ pid: Int, fd: Int, path: Text, size: z.number().nullable(), uid: Int.optional() })
  ),
  exes: z.array(
    z.object({ pid: Int, path: Text, size: z.number().nullable(), uid: Int.optional() })
  ),
  extUnixPeers: z.array(z.object({ pid: Int, name: Text, startTicks: z.number().nullable() }))
})

export const ManifestSchema = z.object({
  format: z.number().refine((f): boolean => f === MANIFEST_FORMAT, `format ${MANIFEST_FORMAT}`),
  id: Text.refine(isSnapshotId, 'a snapshot id'),
  name: Text,
  createdAt: Text,
  source: SourceSchema,
  flags: FlagsSchema,
  findings: z.array(FindingSchema),
  warnings: z.array(Text),
  criuVersion: Text,
  kernelRelease: Text,
  hostname: Text,
  bootId: Text,
  cpuModel: Text,
  sizes: z.object({ total: Count, pages: Count }),
  keptRunning: z.boolean(),
  stats: StatsSchema.nullable(),
  restores: z.array(RestoreSchema),
  preflight: PreflightSchema
})

// The schema and the documented Manifest type must agree both ways: a field added to one and not
// the other fails the typecheck here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const agree: Same<z.infer<typeof ManifestSchema>, Manifest> = true
void agree

export type ManifestCheck = { ok: true; manifest: Manifest } | { ok: false; problem: string }

/** The first few problems of a zod error, as "sizes: expected object, preflight.files: …". */
function describe(err: z.ZodError): string {
  return err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length ? i.path.join('.') : 'manifest'}: ${i.message}`)
    .join('; ')
}

/**
 * Checks an untrusted manifest text. On success the parsed object is returned as it was (unknown
 * keys such as the helper's section kept), now known to hold every field of Manifest.
 */
export function checkManifest(text: string, expectId?: string): ManifestCheck {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, problem: 'it is not JSON' }
  }
  const r = ManifestSchema.safeParse(value)
  if (!r.success) return { ok: false, problem: describe(r.error) }
  if (expectId !== undefined && r.data.id !== expectId) {
    return { ok: false, problem: `it names snapshot ${r.data.id.slice(0, 80)}, not ${expectId}` }
  }
  return { ok: true, manifest: value as Manifest }
}
