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
