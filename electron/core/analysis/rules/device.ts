import type { Finding } from '../../../common/model'
import { procLabel } from '../describe'
import { perProcess, type Rule } from '../rule'

/** Character devices CRIU saves and reopens by itself, by path. */
const SAFE_DEVICE_PATH =
  /^\/dev\/(null|zero|full|random|urandom|tty\d*|ptmx|pts\/(ptmx|\d+)|net\/tun|console)$/

/** The same devices by number, for processes whose /dev path looks different. */
function isSafeCharDevice(major: number, minor: number): boolean {
  if (major === 1) return [3, 5, 7, 8, 9].includes(minor) // null zero full random urandom
  if (major === 5) return minor <= 2 // tty, console, ptmx
  if (major === 4) return true // virtual consoles tty0..tty63
  if (major >= 136 && major <= 143) return true // pts/*
  if (major === 10 && minor === 200) return true // net/tun
  return false
}

/** Whether CRIU can handle an open or mapped device without help. */
export function isSafeDevice(
  devType: 'char' | 'block',
  path: string,
  major: number,
  minor: number
): boolean {
  if (devType === 'block') return false
  // The numbers first: most processes hold /dev/null, and the path test costs a regex or two.
  return isSafeCharDevice(major, minor) || SAFE_DEVICE_PATH.test(path.replace(/ \(deleted\)$/, ''))
}

/**
 * `device`: an open or mapped device other than the few CRIU knows (D12). Its state lives in the
 * driver, invisible to CRIU, so the dump fails ("Can't dump file N of that type") and the device
 * may be missing at restore.
 */
export const deviceRule: Rule = (ctx) => {
  return perProcess(ctx, 'device', (p) => {
    const findings: Finding[] = []
    const evidence: string[] = []
    for (const fd of p.fds) {
      if (fd.kind !== 'device') continue
      if (isSafeDevice(fd.devType, fd.path, fd.major, fd.minor)) continue
      evidence.push(`fd ${fd.fd}: ${fd.path} (${fd.devType} ${fd.major}:${fd.minor})`)
    }
    for (const m of p.maps?.devices ?? []) {
      // Shared anonymous memory shows up as a mapping of "/dev/zero (deleted)": that is fine.
      if (isSafeDevice('char', m.path, m.major, m.minor)) continue
      evidence.push(`mapped: ${m.path} (${m.major}:${m.minor})`)
    }
    if (evidence.length === 0) return findings
    findings.push({
      id: 'device',
      severity: 'blocker',
      pid: p.pid,
      message:
        `Process ${procLabel(p)} uses a hardware or special device (for example a GPU, a virtual ` +
        `machine, FUSE or a disk). The device keeps state inside the kernel driver that CRIU ` +
        `cannot see or save, so the freeze would fail, and the device might be missing at ` +
        `restore. Close the program's use of the device (or quit the program) before freezing.`,
      evidence
    })
    return findings
  })
}
