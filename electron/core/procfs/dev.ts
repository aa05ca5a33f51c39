/** st_dev / st_rdev numbers as glibc encodes them → major and minor. */

/** Major number of a glibc dev_t (safe for values beyond 32 bits). */
export function devMajor(dev: number): number {
  const high = Math.floor(dev / 2 ** 32)
  return ((dev >>> 8) & 0xfff) | ((high & 0xfffff000) >>> 0)
}

/** Minor number of a glibc dev_t. */
export function devMinor(dev: number): number {
  const high = Math.floor(dev / 2 ** 32)
  return (dev & 0xff) | (((dev >>> 12) & 0xfffff00) >>> 0) | ((high & 0xfff) << 20)
}

/** A glibc dev_t from major and minor (the inverse of devMajor/devMinor). */
export function makeDev(major: number, minor: number): number {
  const low = ((major & 0xfff) << 8) | (minor & 0xff) | ((minor & 0xfff00) << 12)
  const high = (major & 0xfffff000) | ((minor >>> 20) & 0xfff)
  return (low >>> 0) + high * 2 ** 32
}
