// A SQLite VFS that gathers a transaction's writes to the write-ahead log and
// hands them to the file system in one write, at the commit's fsync.
//
// Why: SQLite writes each WAL frame as two pwrite calls (its 24-byte header,
// then the page). A batch of ~45 posts dirties ~70 pages, so ~150 system calls
// per commit, 2.2 per acknowledged post (strace, bench ingest); on this kind
// of virtual machine a system call costs ~1.6 µs before it does anything. The
// frames of one commit are contiguous in the file, so one write carries them.
//
// Why it is safe: nothing changes in what reaches the disk before the fsync,
// and only the fsync makes anything durable. The buffer is written out before
// the WAL file is synced, read, truncated, sized or closed, so SQLite (this
// connection, a checkpoint) never sees the file without its own writes. Other
// connections learn of new frames from the WAL index, which SQLite updates
// only after the commit's fsync when synchronous = FULL — the one setting the
// store uses, and the one this VFS is for (docs/storage.md).
//
// SQLite offers this seam for exactly such a shim (the VFS interface); no
// library does it, hence our own. Files other than the WAL pass through.
#pragma once

namespace comments::server {

// The VFS's name, registered on first call (thread-safe), wrapping the
// default VFS. Pass it to sqlite3_open_v2.
const char* wal_write_buffer_vfs();

}  // namespace comments::server
