/* eslint-disable max-lines -- one long string constant: the schema text */
/**
 * The text of criu.proto next to this file, as a string constant: the bundled CLI and helper
 * must not read .proto files at run time, and tsc/vitest cannot import .proto text.
 * test/unit/images/proto-text.test.ts checks that both stay identical.
 */
export const CRIU_PROTO = `// Icebox's own subset of the CRIU image schemas, written from docs/criu-image-format.md §2.
// Every field is "optional" on purpose: a tolerant reader defaults a missing "required" field
// instead of rejecting the whole image. Enum-typed fields are plain uint32 so an unknown value
// from a newer CRIU is kept as a number instead of being dropped. Unknown field numbers are
// skipped by the protobuf library.
syntax = "proto2";
package icebox.criu;

message task_kobj_ids_entry {
  optional uint32 vm_id = 1;
  optional uint32 files_id = 2;
  optional uint32 fs_id = 3;
  optional uint32 sighand_id = 4;
  optional uint32 pid_ns_id = 5;
  optional uint32 net_ns_id = 6;
  optional uint32 ipc_ns_id = 7;
  optional uint32 uts_ns_id = 8;
  optional uint32 mnt_ns_id = 9;
  optional uint32 user_ns_id = 10;
  optional uint32 cgroup_ns_id = 11;
  optional uint32 time_ns_id = 12;
}

message plugins_entry {
  repeated string plugins = 12;
}

message inventory_entry {
  optional uint32 img_version = 1;
  optional bool fdinfo_per_id = 2;
  optional task_kobj_ids_entry root_ids = 3;
  optional bool ns_per_id = 4;
  optional uint32 root_cg_set = 5;
  optional uint32 lsmtype = 6;
  optional uint64 dump_uptime = 8;
  optional uint32 pre_dump_mode = 9;
  optional bool tcp_close = 10;
  optional uint32 network_lock_method = 11;
  optional plugins_entry plugins_entry = 12;
  optional string dump_criu_run_id = 13;
  optional bool allow_uprobes = 14;
}

message pstree_entry {
  optional uint32 pid = 1;
  optional uint32 ppid = 2;
  optional uint32 pgid = 3;
  optional uint32 sid = 4;
  repeated uint32 threads = 5;
  repeated uint32 ns_pid = 6;
}

message creds_entry {
  optional uint32 uid = 1;
  optional uint32 gid = 2;
  optional uint32 euid = 3;
  optional uint32 egid = 4;
  optional uint32 suid = 5;
  optional uint32 sgid = 6;
  optional uint32 fsuid = 7;
  optional uint32 fsgid = 8;
  repeated uint32 cap_inh = 9;
  repeated uint32 cap_prm = 10;
  repeated uint32 cap_eff = 11;
  repeated uint32 cap_bnd = 12;
  optional uint32 secbits = 13;
  repeated uint32 groups = 14;
  optional string lsm_profile = 15;
  optional string lsm_sockcreate = 16;
  optional uint32 no_new_privs = 18;
  repeated uint32 cap_amb = 19;
}

message rlimit_entry {
  optional uint64 cur = 1;
  optional uint64 max = 2;
}

message task_rlimits_entry {
  repeated rlimit_entry rlimits = 1;
}

message task_core_entry {
  optional uint32 task_state = 1;
  optional uint32 exit_code = 2;
  optional uint32 personality = 3;
  optional uint32 flags = 4;
  optional uint64 blk_sigset = 5;
  optional string comm = 6;
  optional task_rlimits_entry rlimits = 8;
  optional uint32 cg_set = 9;
  optional uint32 old_seccomp_mode = 11;
  optional uint32 old_seccomp_filter = 12;
  optional uint32 loginuid = 13;
  optional int32 oom_score_adj = 14;
  optional bool child_subreaper = 18;
  optional uint32 stop_signo = 21;
}

message thread_core_entry {
  optional uint64 futex_rla = 1;
  optional uint32 futex_rla_len = 2;
  optional sint32 sched_nice = 3;
  optional uint32 sched_policy = 4;
  optional uint32 sched_prio = 5;
  optional uint64 blk_sigset = 6;
  optional uint32 pdeath_sig = 8;
  optional creds_entry creds = 10;
  optional uint32 seccomp_mode = 11;
  optional uint32 seccomp_filter = 12;
  optional string comm = 13;
  optional uint32 cg_set = 16;
}

message user_x86_regs_entry {
  optional uint64 ip = 17;
  optional uint64 sp = 20;
}

message thread_info_x86 {
  optional uint64 clear_tid_addr = 1;
  optional user_x86_regs_entry gpregs = 2;
}

message core_entry {
  optional uint32 mtype = 1;
  optional thread_info_x86 thread_info = 2;
  optional task_core_entry tc = 3;
  optional task_kobj_ids_entry ids = 4;
  optional thread_core_entry thread_core = 5;
}

message fs_entry {
  optional uint32 cwd_id = 1;
  optional uint32 root_id = 2;
  optional uint32 umask = 3;
}

message fdinfo_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint32 type = 3;
  optional uint32 fd = 4;
}

message fown_entry {
  optional uint32 uid = 1;
  optional uint32 euid = 2;
  optional uint32 signum = 3;
  optional uint32 pid_type = 4;
  optional uint32 pid = 5;
}

message reg_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 pos = 3;
  optional fown_entry fown = 5;
  optional string name = 6;
  optional sint32 mnt_id = 7;
  optional uint64 size = 8;
  optional bool ext = 9;
  optional uint32 mode = 10;
}

message inet_sk_entry {
  optional uint32 id = 1;
  optional uint32 ino = 2;
  optional uint32 family = 3;
  optional uint32 type = 4;
  optional uint32 proto = 5;
  optional uint32 state = 6;
  optional uint32 src_port = 7;
  optional uint32 dst_port = 8;
  optional uint32 flags = 9;
  optional uint32 backlog = 10;
  repeated uint32 src_addr = 11;
  repeated uint32 dst_addr = 12;
  optional bool v6only = 15;
  optional string ifname = 17;
  optional uint32 ns_id = 18;
  optional uint32 shutdown = 19;
}

message unix_sk_entry {
  optional uint32 id = 1;
  optional uint32 ino = 2;
  optional uint32 type = 3;
  optional uint32 state = 4;
  optional uint32 flags = 5;
  optional uint32 uflags = 6;
  optional uint32 backlog = 7;
  optional uint32 peer = 8;
  optional bytes name = 11;
  optional uint32 shutdown = 12;
  optional string name_dir = 14;
  optional bool deleted = 15;
  optional uint32 ns_id = 16;
}

message pipe_entry {
  optional uint32 id = 1;
  optional uint32 pipe_id = 2;
  optional uint32 flags = 3;
}

message fifo_entry {
  optional uint32 id = 1;
  optional uint32 pipe_id = 2;
  optional uint32 regf_id = 3;
}

message tty_file_entry {
  optional uint32 id = 1;
  optional uint32 tty_info_id = 2;
  optional uint32 flags = 3;
  optional uint32 regf_id = 6;
}

message memfd_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 pos = 3;
  optional uint32 inode_id = 5;
}

message eventfd_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 counter = 4;
}

// Only the parts a browser shows: the id, the flags and how many targets/watches there are.
message eventpoll_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  repeated bytes tfd = 4;
}

message signalfd_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint64 sigmask = 4;
}

message inotify_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  repeated bytes wd = 5;
}

message timerfd_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
  optional uint32 clockid = 4;
}

message generic_file_entry {
  optional uint32 id = 1;
  optional uint32 flags = 2;
}

message file_entry {
  optional uint32 type = 1;
  optional uint32 id = 2;
  optional reg_file_entry reg = 3;
  optional inet_sk_entry isk = 4;
  optional generic_file_entry nsf = 5;
  optional generic_file_entry psk = 6;
  optional generic_file_entry nlsk = 7;
  optional eventfd_file_entry efd = 8;
  optional eventpoll_file_entry epfd = 9;
  optional signalfd_entry sgfd = 10;
  optional generic_file_entry tunf = 11;
  optional timerfd_entry tfd = 12;
  optional inotify_file_entry ify = 13;
  optional generic_file_entry ffy = 14;
  optional generic_file_entry ext = 15;
  optional unix_sk_entry usk = 16;
  optional fifo_entry fifo = 17;
  optional pipe_entry pipe = 18;
  optional tty_file_entry tty = 19;
  optional memfd_file_entry memfd = 20;
  optional generic_file_entry bpf = 21;
  optional generic_file_entry pidfd = 22;
}

message memfd_inode_entry {
  optional string name = 1;
  optional uint32 uid = 2;
  optional uint32 gid = 3;
  optional uint64 size = 4;
  optional uint32 shmid = 5;
  optional uint32 seals = 6;
  optional uint64 inode_id = 7;
}

message tty_info_entry {
  optional uint32 id = 1;
  optional uint32 type = 2;
  optional uint32 sid = 6;
  optional uint32 pgrp = 7;
  optional uint32 rdev = 8;
}

message vma_entry {
  optional uint64 start = 1;
  optional uint64 end = 2;
  optional uint64 pgoff = 3;
  optional uint64 shmid = 4;
  optional uint32 prot = 5;
  optional uint32 flags = 6;
  optional uint32 status = 7;
  optional sint64 fd = 8;
  optional uint64 madv = 9;
  optional uint32 fdflags = 10;
}

message mm_entry {
  optional uint64 mm_start_code = 1;
  optional uint64 mm_end_code = 2;
  optional uint64 mm_start_brk = 6;
  optional uint64 mm_brk = 7;
  optional uint32 exe_file_id = 12;
  repeated vma_entry vmas = 14;
  optional int32 dumpable = 15;
}

message pagemap_head {
  optional uint32 pages_id = 1;
}

message pagemap_entry {
  optional uint64 vaddr = 1;
  optional uint32 compat_nr_pages = 2;
  optional bool in_parent = 3;
  optional uint32 flags = 4;
  optional uint64 nr_pages = 5;
}

message dump_stats_entry {
  optional uint32 freezing_time = 1;
  optional uint32 frozen_time = 2;
  optional uint32 memdump_time = 3;
  optional uint32 memwrite_time = 4;
  optional uint64 pages_scanned = 5;
  optional uint64 pages_skipped_parent = 6;
  optional uint64 pages_written = 7;
  optional uint32 irmap_resolve = 8;
  optional uint64 pages_lazy = 9;
  optional uint64 page_pipes = 10;
  optional uint64 page_pipe_bufs = 11;
  optional uint64 shpages_scanned = 12;
  optional uint64 shpages_skipped_parent = 13;
  optional uint64 shpages_written = 14;
}

message restore_stats_entry {
  optional uint64 pages_compared = 1;
  optional uint64 pages_skipped_cow = 2;
  optional uint32 forking_time = 3;
  optional uint32 restore_time = 4;
  optional uint64 pages_restored = 5;
}

message stats_entry {
  optional dump_stats_entry dump = 1;
  optional restore_stats_entry restore = 2;
}

message tcp_stream_entry {
  optional uint32 inq_len = 1;
  optional uint32 inq_seq = 2;
  optional uint32 outq_len = 3;
  optional uint32 outq_seq = 4;
  optional uint32 opt_mask = 5;
  optional uint32 snd_wscale = 6;
  optional uint32 mss_clamp = 7;
  optional uint32 unsq_len = 12;
}

message timespec_entry {
  optional uint64 tv_sec = 1;
  optional uint64 tv_nsec = 2;
}

message timens_entry {
  optional timespec_entry monotonic = 1;
  optional timespec_entry boottime = 2;
}

message seccomp_filter {
  optional bytes filter = 1;
  optional uint32 prev = 2;
  optional uint32 flags = 3;
}

message seccomp_entry {
  repeated seccomp_filter seccomp_filters = 1;
}

message cg_member_entry {
  optional string name = 1;
  optional string path = 2;
  optional uint32 cgns_prefix = 3;
}

message cg_set_entry {
  optional uint32 id = 1;
  repeated cg_member_entry ctls = 2;
}

// Controllers carry a recursive directory tree; a browser only needs the sets, so the
// controllers stay opaque bytes (this also keeps a hostile deep tree from being decoded).
message cgroup_entry {
  repeated cg_set_entry sets = 1;
  repeated bytes controllers = 2;
}

message remap_file_path_entry {
  optional uint32 orig_id = 1;
  optional uint32 remap_id = 2;
  optional uint32 remap_type = 3;
}

message timeval_entry {
  optional uint64 tv_sec = 1;
  optional uint64 tv_usec = 2;
}

message ghost_file_entry {
  optional uint32 uid = 1;
  optional uint32 gid = 2;
  optional uint32 mode = 3;
  optional uint32 dev = 4;
  optional uint64 ino = 5;
  optional uint32 rdev = 6;
  optional timeval_entry atim = 7;
  optional timeval_entry mtim = 8;
  optional bool chunks = 9;
  optional uint64 size = 10;
  optional string symlnk_target = 11;
}

message ghost_chunk_entry {
  optional uint64 len = 1;
  optional uint64 off = 2;
}

message pipe_data_entry {
  optional uint32 pipe_id = 1;
  optional uint32 bytes = 2;
  optional uint32 size = 3;
}

message sk_packet_entry {
  optional uint32 id_for = 1;
  optional uint32 length = 2;
}

message utsns_entry {
  optional string nodename = 1;
  optional string domainname = 2;
}

// filelocks.img: not in the facts document; field numbers checked against "crit show" in
// test/integration/images.
message file_lock_entry {
  optional uint32 type = 1;
  optional uint32 flag = 2;
  optional int32 pid = 3;
  optional int32 fd = 4;
  optional int64 start = 5;
  optional int64 len = 6;
}
`
