#include "store/wal_write_buffer.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <new>
#include <stdexcept>
#include <string>
#include <vector>

namespace comments::server {

namespace {

// Past this many gathered bytes the buffer is written out before it grows
// further (a very large transaction: a migration, a copy).
constexpr std::size_t max_gathered_bytes = 4 << 20;

sqlite3_vfs* base_vfs = nullptr;  // the default VFS this one wraps

// Our file: SQLite allocates szOsFile bytes for it; the wrapped file lives at
// the end. A WAL file uses wal_methods; any other file is opened straight
// into this memory by the base VFS and never sees our methods.
struct WalFile {
  sqlite3_file base;
  std::vector<char>* gathered;  // bytes not yet written, from `start` on
  sqlite3_int64 start;
  // Our own descriptor of the WAL file, for the gathered writes: the unix
  // VFS's xWrite cuts every write to 128 KiB - 1 bytes (seekAndWriteFd), and
  // reports SQLITE_FULL for a write that is a multiple of 128 KiB. A second
  // descriptor is harmless here: SQLite takes no POSIX locks on the WAL file
  // (closing a descriptor would drop them), and the commit's fdatasync on
  // SQLite's descriptor flushes the file's data whoever wrote it.
  int fd;
  sqlite3_file* real() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};

WalFile* as_wal(sqlite3_file* f) { return reinterpret_cast<WalFile*>(f); }

// All of `size` bytes at `offset`, through our descriptor.
int write_all(const WalFile* f, const char* data, std::size_t size, sqlite3_int64 offset) {
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pwrite(f->fd, data + done, size - done,
                               static_cast<off_t>(offset + static_cast<sqlite3_int64>(done)));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else {
      return (n == 0 || errno == ENOSPC) ? SQLITE_FULL : SQLITE_IOERR_WRITE;
    }
  }
  return SQLITE_OK;
}

int flush(WalFile* f) {
  std::vector<char>& g = *f->gathered;
  if (g.empty()) return SQLITE_OK;
  const int rc = write_all(f, g.data(), g.size(), f->start);
  g.clear();  // on failure too: SQLite rolls the transaction back
  return rc;
}

int wal_close(sqlite3_file* file) {
  WalFile* f = as_wal(file);
  int rc = flush(f);
  const int closed = f->real()->pMethods->xClose(f->real());
  if (rc == SQLITE_OK) rc = closed;
  delete f->gathered;
  f->gathered = nullptr;
  ::close(f->fd);
  return rc;
}

int wal_read(sqlite3_file* file, void* out, int amount, sqlite3_int64 offset) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xRead(f->real(), out, amount, offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* f = as_wal(file);
  std::vector<char>& g = *f->gathered;
  const auto bytes = static_cast<std::size_t>(amount);
  const auto end = f->start + static_cast<sqlite3_int64>(g.size());
  try {
    if (!g.empty() && offset >= f->start &&
        offset + static_cast<sqlite3_int64>(bytes) <= end) {
      // A frame written again in the same transaction: overwrite in place.
      std::memcpy(g.data() + (offset - f->start), data, bytes);
      return SQLITE_OK;
    }
    if (!g.empty() && (offset != end || g.size() + bytes > max_gathered_bytes)) {
      if (const int rc = flush(f); rc != SQLITE_OK) return rc;
    }
    if (bytes > max_gathered_bytes) return write_all(f, static_cast<const char*>(data), bytes, offset);
    if (g.empty()) f->start = offset;
    g.insert(g.end(), static_cast<const char*>(data), static_cast<const char*>(data) + bytes);
    return SQLITE_OK;
  } catch (const std::bad_alloc&) {
    return SQLITE_IOERR_NOMEM;
  }
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xTruncate(f->real(), size);
}

int wal_sync(sqlite3_file* file, int flags) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xSync(f->real(), flags);
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xFileSize(f->real(), size);
}

int wal_lock(sqlite3_file* file, int level) {
  return as_wal(file)->real()->pMethods->xLock(as_wal(file)->real(), level);
}
int wal_unlock(sqlite3_file* file, int level) {
  return as_wal(file)->real()->pMethods->xUnlock(as_wal(file)->real(), level);
}
int wal_check_reserved_lock(sqlite3_file* file, int* out) {
  return as_wal(file)->real()->pMethods->xCheckReservedLock(as_wal(file)->real(), out);
}
int wal_file_control(sqlite3_file* file, int op, void* arg) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xFileControl(f->real(), op, arg);
}
int wal_sector_size(sqlite3_file* file) {
  return as_wal(file)->real()->pMethods->xSectorSize(as_wal(file)->real());
}
int wal_device_characteristics(sqlite3_file* file) {
  return as_wal(file)->real()->pMethods->xDeviceCharacteristics(as_wal(file)->real());
}
// A WAL file has no shared memory and is not memory-mapped; these forward all
// the same, so the methods table is complete whatever SQLite asks.
int wal_shm_map(sqlite3_file* file, int page, int size, int extend, void volatile** out) {
  return as_wal(file)->real()->pMethods->xShmMap(as_wal(file)->real(), page, size, extend, out);
}
int wal_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return as_wal(file)->real()->pMethods->xShmLock(as_wal(file)->real(), offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* file) {
  as_wal(file)->real()->pMethods->xShmBarrier(as_wal(file)->real());
}
int wal_shm_unmap(sqlite3_file* file, int delete_flag) {
  return as_wal(file)->real()->pMethods->xShmUnmap(as_wal(file)->real(), delete_flag);
}
int wal_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  WalFile* f = as_wal(file);
  if (const int rc = flush(f); rc != SQLITE_OK) return rc;
  return f->real()->pMethods->xFetch(f->real(), offset, amount, out);
}
int wal_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return as_wal(file)->real()->pMethods->xUnfetch(as_wal(file)->real(), offset, page);
}

// Version 3 (shared memory, memory mapping) as the unix VFS's own files; the
// open below checks that the wrapped file is no older.
const sqlite3_io_methods wal_methods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

int open_file(sqlite3_vfs*, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  if ((flags & SQLITE_OPEN_WAL) == 0) {
    // Not the WAL: the base VFS's own file, in the same memory.
    return base_vfs->xOpen(base_vfs, name, file, flags, out_flags);
  }
  WalFile* f = as_wal(file);
  f->base.pMethods = nullptr;  // SQLite calls no method of a file whose open failed
  const int rc = base_vfs->xOpen(base_vfs, name, f->real(), flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  if (f->real()->pMethods == nullptr || f->real()->pMethods->iVersion < 3) {
    if (f->real()->pMethods) f->real()->pMethods->xClose(f->real());
    return SQLITE_CANTOPEN;
  }
  f->fd = ::open(name, O_WRONLY | O_CLOEXEC);
  if (f->fd < 0) {
    f->real()->pMethods->xClose(f->real());
    return SQLITE_CANTOPEN;
  }
  f->gathered = new (std::nothrow) std::vector<char>();
  if (!f->gathered) {
    ::close(f->fd);
    f->real()->pMethods->xClose(f->real());
    return SQLITE_NOMEM;
  }
  f->start = 0;
  f->base.pMethods = &wal_methods;
  return SQLITE_OK;
}

sqlite3_vfs wal_vfs;

}  // namespace

const char* wal_write_buffer_vfs() {
  static std::once_flag registered;
  std::call_once(registered, [] {
    base_vfs = sqlite3_vfs_find(nullptr);
    if (base_vfs == nullptr) throw std::runtime_error("SQLite has no default VFS");
    // The base VFS's functions other than xOpen take the VFS pointer and, in
    // the unix VFS, read nothing from it but the copied fields (mxPathname).
    wal_vfs = *base_vfs;
    wal_vfs.zName = "comments-wal-write-buffer";
    wal_vfs.pNext = nullptr;
    wal_vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + base_vfs->szOsFile;
    wal_vfs.xOpen = open_file;
    if (const int rc = sqlite3_vfs_register(&wal_vfs, /*makeDflt=*/0); rc != SQLITE_OK) {
      throw std::runtime_error("registering the SQLite VFS " + std::string(wal_vfs.zName) +
                               " failed: " + sqlite3_errstr(rc));
    }
  });
  return wal_vfs.zName;
}

}  // namespace comments::server
