// The file layer under the journal and state images (leveldb's Env): the POSIX implementation for
// the node, and an in-memory one for tests that can fail writes after a byte budget (disk full),
// fail syncs, and simulate a crash (unsynced bytes lost, or a torn prefix of them kept; files
// whose directory entry was never synced disappear).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "stoa/common/bytes.h"

namespace stoa::store {

// An I/O outcome: empty error = success. The message names the path and the OS error.
struct IoStatus {
  std::string error;
  bool ok() const { return error.empty(); }
  static IoStatus Ok() { return {}; }
  static IoStatus Error(std::string e) { return IoStatus{std::move(e)}; }
};

class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual IoStatus append(BytesView data) = 0;
  virtual IoStatus sync() = 0;  // fdatasync: the appended bytes are on disk
  virtual IoStatus close() = 0;
};

// A file written in place at given offsets (the head file's two slots); its size stays fixed
// once written, so sync() is an fdatasync with no metadata to flush.
class RandomWriteFile {
 public:
  virtual ~RandomWriteFile() = default;
  virtual IoStatus write_at(uint64_t offset, BytesView data) = 0;
  virtual IoStatus sync() = 0;  // fdatasync
};

class Env {
 public:
  virtual ~Env() = default;
  // Opens `path` for appending at its end, creating it if absent.
  virtual IoStatus open_append(const std::string& path, std::unique_ptr<WritableFile>* out) = 0;
  // Opens an existing file for writing in place (it must exist).
  virtual IoStatus open_rw(const std::string& path, std::unique_ptr<RandomWriteFile>* out) = 0;
  virtual IoStatus read_all(const std::string& path, Bytes* out) = 0;
  // Reads `size` bytes at `offset` (history reads one record); fewer bytes there is an error.
  virtual IoStatus read_at(const std::string& path, uint64_t offset, size_t size, Bytes* out) = 0;
  virtual IoStatus file_size(const std::string& path, uint64_t* size) = 0;
  // Cuts `path` to `size` bytes and syncs it.
  virtual IoStatus truncate(const std::string& path, uint64_t size) = 0;
  // File names (not paths) in `dir`, unsorted; an absent directory lists as empty.
  virtual IoStatus list(const std::string& dir, std::vector<std::string>* names) = 0;
  virtual IoStatus make_dir(const std::string& dir) = 0;  // ok if it exists
  virtual IoStatus sync_dir(
      const std::string& dir) = 0;  // makes entries (creations, renames) durable
  virtual IoStatus rename(const std::string& from, const std::string& to) = 0;
  virtual IoStatus remove(const std::string& path) = 0;
  virtual bool exists(const std::string& path) = 0;
};

Env* posix_env();  // process-wide, never destroyed

std::string join_path(const std::string& dir, const std::string& name);

// "cannot write PATH: <the OS error>" for a failed write-side call on PATH.
IoStatus cannot_write(const std::string& path, const IoStatus& failed);

// Writes DIR/NAME so that a crash or power cut leaves either the old file or the whole new one:
// DIR/NAME.tmp written and fsynced, renamed over DIR/NAME, then DIR fsynced. Errors say
// "cannot write PATH: ...".
IoStatus write_file_atomically(Env* env, const std::string& dir, const std::string& name,
                               BytesView data);

// In memory, with faults. Not thread-safe (tests drive it from one thread).
class MemEnv final : public Env {
 public:
  IoStatus open_append(const std::string& path, std::unique_ptr<WritableFile>* out) override;
  IoStatus open_rw(const std::string& path, std::unique_ptr<RandomWriteFile>* out) override;
  IoStatus read_all(const std::string& path, Bytes* out) override;
  IoStatus read_at(const std::string& path, uint64_t offset, size_t size, Bytes* out) override;
  IoStatus file_size(const std::string& path, uint64_t* size) override;
  IoStatus truncate(const std::string& path, uint64_t size) override;
  IoStatus list(const std::string& dir, std::vector<std::string>* names) override;
  IoStatus make_dir(const std::string& dir) override;
  IoStatus sync_dir(const std::string& dir) override;
  IoStatus rename(const std::string& from, const std::string& to) override;
  IoStatus remove(const std::string& path) override;
  bool exists(const std::string& path) override;

  // Disk full: appends fail once this many more bytes have been written (the append that crosses
  // the budget writes what fits, then fails). nullopt = unlimited.
  void set_write_budget(std::optional<uint64_t> bytes) { budget_ = bytes; }
  void set_fail_sync(bool fail) { fail_sync_ = fail; }
  // A read-only filesystem (or a directory the user cannot write): every call that would change
  // something fails with `error` (strerror text, e.g. "Read-only file system"); "" = writable.
  void set_read_only(std::string error) { read_only_ = std::move(error); }
  // Power loss: each file keeps its synced bytes plus the first `keep_unsynced` of the rest (a
  // torn write); files whose directory entry was never synced vanish.
  void crash(uint64_t keep_unsynced = 0);
  // Direct access for corruption tests (nullptr if absent).
  Bytes* contents(const std::string& path);
  uint64_t syncs() const { return syncs_; }

 private:
  friend class MemFile;
  friend class MemRwFile;
  struct File {
    Bytes data;
    uint64_t synced = 0;
    bool entry_durable = false;
    // In-place writes not synced yet: the content before them, and the writes in order.
    std::optional<Bytes> stable;
    std::vector<std::pair<uint64_t, Bytes>> pending;
  };
  IoStatus refuse(const std::string& what, const std::string& path) const;
  std::map<std::string, File> files_;
  std::optional<uint64_t> budget_;
  bool fail_sync_ = false;
  std::string read_only_;
  uint64_t syncs_ = 0;
};

}  // namespace stoa::store
