/**
 * CRIU image magic numbers (docs/criu-image-format.md §1.3) and which message each image holds.
 */

/** First word of every normal image (absent in inventory.img). */
export const IMG_COMMON_MAGIC = 0x54564319
/** First word of the service files stats-dump, stats-restore and irmap-cache. */
export const IMG_SERVICE_MAGIC = 0x55105940

/** Type magic → symbolic name (crit's "magic" string). Shared values keep the modern name. */
export const MAGIC_NAMES: ReadonlyMap<number, string> = new Map([
  [0x58313116, 'INVENTORY'],
  [0x50273030, 'PSTREE'],
  [0x56213732, 'FDINFO'],
  [0x56084025, 'PAGEMAP'],
  [0x55053847, 'CORE'],
  [0x54432030, 'IDS'],
  [0x54123737, 'VMAS'],
  [0x56513555, 'PIPES'],
  [0x56453709, 'PIPES_DATA'],
  [0x58364939, 'FIFO'],
  [0x59333054, 'FIFO_DATA'],
  [0x55344201, 'SIGACT'],
  [0x54373943, 'UNIXSK'],
  [0x56443851, 'INETSK'],
  [0x60454618, 'PACKETSK'],
  [0x57464056, 'ITIMERS'],
  [0x52603957, 'POSIX_TIMERS'],
  [0x56264026, 'SK_QUEUES'],
  [0x54473203, 'UTSNS'],
  [0x54023547, 'CREDS'],
  [0x53115007, 'IPC_VAR'],
  [0x46283044, 'IPCNS_SHM'],
  [0x55453737, 'IPCNS_MSG'],
  [0x59573019, 'IPCNS_SEM'],
  [0x50363636, 'REG_FILES'],
  [0x59255641, 'EXT_FILES'],
  [0x51403912, 'FS'],
  [0x57492820, 'MM'],
  [0x59133954, 'REMAP_FPATH'],
  [0x52583605, 'GHOST_FILE'],
  [0x51465506, 'TCP_STREAM'],
  [0x44523722, 'EVENTFD_FILE'],
  [0x45023858, 'EVENTPOLL_FILE'],
  [0x44433746, 'EVENTPOLL_TFD'],
  [0x57323820, 'SIGNALFD'],
  [0x48424431, 'INOTIFY_FILE'],
  [0x54562009, 'INOTIFY_WD'],
  [0x55563928, 'MNTS'],
  [0x57373951, 'NETDEV'],
  [0x55933752, 'NETNS'],
  [0x59433025, 'TTY_FILES'],
  [0x59453036, 'TTY_INFO'],
  [0x59413026, 'TTY_DATA'],
  [0x54323616, 'FILE_LOCKS'],
  [0x57113925, 'RLIMIT'],
  [0x55096122, 'FANOTIFY_FILE'],
  [0x56506035, 'FANOTIFY_MARK'],
  [0x59255647, 'SIGNAL'],
  [0x58005614, 'NETLINK_SK'],
  [0x61394011, 'NS_FILES'],
  [0x57143751, 'TUNFILE'],
  [0x59383330, 'CGROUP'],
  [0x50493712, 'TIMERFD'],
  [0x61404013, 'CPUINFO'],
  [0x55474906, 'USERNS'],
  [0x64413049, 'SECCOMP'],
  [0x67343323, 'BINFMT_MISC'],
  [0x49353943, 'AUTOFS'],
  [0x56303138, 'FILES'],
  [0x48453499, 'MEMFD_INODE'],
  [0x43114433, 'TIMENS'],
  [0x61157326, 'PIDNS'],
  [0x57506142, 'BPFMAP_FILE'],
  [0x64324033, 'BPFMAP_DATA'],
  [0x59423047, 'APPARMOR'],
  [0x54435556, 'PIDFD'],
  [0x57093306, 'STATS'],
  [0x57004059, 'IRMAP_CACHE']
])

/** The magic of inventory.img, the one image without a head magic. */
export const INVENTORY_MAGIC = 0x58313116
/** core-TID.img: a thread's registers, state and credentials. */
export const CORE_MAGIC = 0x55053847

/**
 * Image type name → protobuf message name in proto/criu.proto. Types without an entry are
 * recognised (framing is checked) but their messages are not decoded.
 */
export const MESSAGE_FOR_TYPE: Readonly<Record<string, string>> = {
  INVENTORY: 'inventory_entry',
  PSTREE: 'pstree_entry',
  FDINFO: 'fdinfo_entry',
  PAGEMAP: 'pagemap_entry',
  CORE: 'core_entry',
  IDS: 'task_kobj_ids_entry',
  VMAS: 'vma_entry',
  PIPES: 'pipe_entry',
  PIPES_DATA: 'pipe_data_entry',
  FIFO: 'fifo_entry',
  FIFO_DATA: 'pipe_data_entry',
  UNIXSK: 'unix_sk_entry',
  INETSK: 'inet_sk_entry',
  SK_QUEUES: 'sk_packet_entry',
  UTSNS: 'utsns_entry',
  CREDS: 'creds_entry',
  REG_FILES: 'reg_file_entry',
  FS: 'fs_entry',
  MM: 'mm_entry',
  REMAP_FPATH: 'remap_file_path_entry',
  GHOST_FILE: 'ghost_file_entry',
  TCP_STREAM: 'tcp_stream_entry',
  EVENTFD_FILE: 'eventfd_file_entry',
  EVENTPOLL_FILE: 'eventpoll_file_entry',
  SIGNALFD: 'signalfd_entry',
  INOTIFY_FILE: 'inotify_file_entry',
  TTY_FILES: 'tty_file_entry',
  TTY_INFO: 'tty_info_entry',
  FILE_LOCKS: 'file_lock_entry',
  CGROUP: 'cgroup_entry',
  TIMERFD: 'timerfd_entry',
  SECCOMP: 'seccomp_entry',
  FILES: 'file_entry',
  MEMFD_INODE: 'memfd_inode_entry',
  TIMENS: 'timens_entry',
  STATS: 'stats_entry'
}

/** Images whose first message has a different type from the rest (§1.4). */
export const HEAD_MESSAGE_FOR_TYPE: Readonly<Record<string, string>> = {
  PAGEMAP: 'pagemap_head'
}
