// POSIX and in-memory Envs.
#include "stoa/store/env.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

namespace stoa::store {
namespace {

IoStatus os_error(const std::string& what, const std::string& path) {
  return IoStatus::Error(what + " " + path + ": " + std::strerror(errno));
}

class PosixFile final : public WritableFile {
 public:
  PosixFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixFile() override {
    if (fd_ >= 0) ::close(fd_);
  }
  IoStatus append(BytesView data) override {
    const uint8_t* p = data.data();
    size_t left = data.size();
    while (left > 0) {
      const ssize_t n = ::write(fd_, p, left);
      if (n < 0) {
        if (errno == EINTR) continue;
        return os_error("write", path_);
      }
      p += n;
      left -= static_cast<size_t>(n);
    }
    return IoStatus::Ok();
  }
  IoStatus sync() override {
    if (::fdatasync(fd_) != 0) return os_error("fdatasync", path_);
    return IoStatus::Ok();
  }
  IoStatus close() override {
    if (fd_ >= 0 && ::close(fd_) != 0) {
      fd_ = -1;
      return os_error("close", path_);
    }
    fd_ = -1;
    return IoStatus::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixRwFile final : public RandomWriteFile {
 public:
  PosixRwFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixRwFile() override { ::close(fd_); }
  IoStatus write_at(uint64_t offset, BytesView data) override {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return os_error("write", path_);
      }
      done += static_cast<size_t>(n);
    }
    return IoStatus::Ok();
  }
  IoStatus sync() override {
    if (::fdatasync(fd_) != 0) return os_error("fdatasync", path_);
    return IoStatus::Ok();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixEnv final : public Env {
 public:
  IoStatus open_rw(const std::string& path, std::unique_ptr<RandomWriteFile>* out) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return os_error("open", path);
    *out = std::make_unique<PosixRwFile>(fd, path);
    return IoStatus::Ok();
  }
  IoStatus open_append(const std::string& path, std::unique_ptr<WritableFile>* out) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) return os_error("open", path);
    *out = std::make_unique<PosixFile>(fd, path);
    return IoStatus::Ok();
  }
  IoStatus read_all(const std::string& path, Bytes* out) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error("open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
      ::close(fd);
      return os_error("stat", path);
    }
    out->resize(static_cast<size_t>(st.st_size));
    size_t got = 0;
    while (got < out->size()) {
      const ssize_t n = ::read(fd, out->data() + got, out->size() - got);
      if (n < 0) {
        if (errno == EINTR) continue;
        ::close(fd);
        return os_error("read", path);
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    out->resize(got);
    ::close(fd);
    return IoStatus::Ok();
  }
  IoStatus read_at(const std::string& path, uint64_t offset, size_t size, Bytes* out) override {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return os_error("open", path);
    out->resize(size);
    size_t got = 0;
    while (got < size) {
      const ssize_t n =
          ::pread(fd, out->data() + got, size - got, static_cast<off_t>(offset + got));
      if (n < 0) {
        if (errno == EINTR) continue;
        ::close(fd);
        return os_error("pread", path);
      }
      if (n == 0) break;
      got += static_cast<size_t>(n);
    }
    ::close(fd);
    if (got < size) {
      return IoStatus::Error("pread " + path + ": " + std::to_string(size) + " bytes at offset " +
                             std::to_string(offset) + " run past the end of the file");
    }
    return IoStatus::Ok();
  }
  IoStatus file_size(const std::string& path, uint64_t* size) override {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return os_error("stat", path);
    *size = static_cast<uint64_t>(st.st_size);
    return IoStatus::Ok();
  }
  IoStatus truncate(const std::string& path, uint64_t size) override {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return os_error("open", path);
    IoStatus s;
    if (::ftruncate(fd, static_cast<off_t>(size)) != 0) {
      s = os_error("truncate", path);
    } else if (::fsync(fd) != 0) {
      s = os_error("fsync", path);
    }
    ::close(fd);
    return s;
  }
  IoStatus list(const std::string& dir, std::vector<std::string>* names) override {
    names->clear();
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) {
      if (errno == ENOENT) return IoStatus::Ok();
      return os_error("opendir", dir);
    }
    while (const dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != "..") names->push_back(n);
    }
    ::closedir(d);
    return IoStatus::Ok();
  }
  IoStatus make_dir(const std::string& dir) override {
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return os_error("mkdir", dir);
    return IoStatus::Ok();
  }
  IoStatus sync_dir(const std::string& dir) override {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return os_error("open", dir);
    IoStatus s;
    if (::fsync(fd) != 0) s = os_error("fsync", dir);
    ::close(fd);
    return s;
  }
  IoStatus rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return os_error("rename", from + " -> " + to);
    return IoStatus::Ok();
  }
  IoStatus remove(const std::string& path) override {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) return os_error("unlink", path);
    return IoStatus::Ok();
  }
  bool exists(const std::string& path) override {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  }
};

std::string parent_of(const std::string& path) {
  const size_t slash = path.rfind('/');
  return slash == std::string::npos ? std::string(".") : path.substr(0, slash);
}

}  // namespace

IoStatus cannot_write(const std::string& path, const IoStatus& failed) {
  // The OS error after "op PATH: " when the message names the path, else the whole message.
  const size_t at = failed.error.find(path + ": ");
  const std::string why =
      at == std::string::npos ? failed.error : failed.error.substr(at + path.size() + 2);
  return IoStatus::Error("cannot write " + path + ": " + why);
}

IoStatus write_file_atomically(Env* env, const std::string& dir, const std::string& name,
                               BytesView data) {
  const std::string path = join_path(dir, name);
  const std::string tmp = path + ".tmp";
  auto fail = [&](const IoStatus& s) { return cannot_write(path, s); };
  if (IoStatus s = env->remove(tmp); !s.ok()) return fail(s);
  std::unique_ptr<WritableFile> f;
  if (IoStatus s = env->open_append(tmp, &f); !s.ok()) return fail(s);
  IoStatus s = f->append(data);
  if (s.ok()) s = f->sync();
  if (s.ok()) s = f->close();
  if (!s.ok()) {
    env->remove(tmp);
    return fail(s);
  }
  if (IoStatus r = env->rename(tmp, path); !r.ok()) return fail(r);
  if (IoStatus r = env->sync_dir(dir); !r.ok()) return fail(r);
  return IoStatus::Ok();
}

Env* posix_env() {
  static PosixEnv* env = new PosixEnv();
  return env;
}

std::string join_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir.back() == '/') return dir + name;
  return dir + "/" + name;
}

class MemFile final : public WritableFile {
 public:
  MemFile(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  IoStatus append(BytesView data) override {
    MemEnv::File* f = file();
    if (f == nullptr) return IoStatus::Error("write " + path_ + ": file removed");
    size_t n = data.size();
    bool full = false;
    if (env_->budget_) {
      if (n > *env_->budget_) {
        n = static_cast<size_t>(*env_->budget_);
        full = true;
      }
      *env_->budget_ -= n;
    }
    f->data.insert(f->data.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(n));
    if (full) return IoStatus::Error("write " + path_ + ": No space left on device");
    return IoStatus::Ok();
  }
  IoStatus sync() override {
    MemEnv::File* f = file();
    if (f == nullptr) return IoStatus::Error("fdatasync " + path_ + ": file removed");
    if (env_->fail_sync_) return IoStatus::Error("fdatasync " + path_ + ": Input/output error");
    f->synced = f->data.size();
    ++env_->syncs_;
    return IoStatus::Ok();
  }
  IoStatus close() override { return IoStatus::Ok(); }

 private:
  MemEnv::File* file() {
    auto it = env_->files_.find(path_);
    return it == env_->files_.end() ? nullptr : &it->second;
  }
  MemEnv* env_;
  std::string path_;
};

class MemRwFile final : public RandomWriteFile {
 public:
  MemRwFile(MemEnv* env, std::string path) : env_(env), path_(std::move(path)) {}
  IoStatus write_at(uint64_t offset, BytesView data) override {
    if (!env_->read_only_.empty()) return env_->refuse("write", path_);
    auto it = env_->files_.find(path_);
    if (it == env_->files_.end()) return IoStatus::Error("write " + path_ + ": file removed");
    MemEnv::File& f = it->second;
    if (!f.stable) f.stable = f.data;
    f.pending.emplace_back(offset, Bytes(data.begin(), data.end()));
    if (f.data.size() < offset + data.size()) f.data.resize(offset + data.size(), 0);
    std::copy(data.begin(), data.end(), f.data.begin() + static_cast<std::ptrdiff_t>(offset));
    return IoStatus::Ok();
  }
  IoStatus sync() override {
    auto it = env_->files_.find(path_);
    if (it == env_->files_.end()) return IoStatus::Error("fdatasync " + path_ + ": file removed");
    if (env_->fail_sync_) return IoStatus::Error("fdatasync " + path_ + ": Input/output error");
    it->second.stable.reset();
    it->second.pending.clear();
    it->second.synced = it->second.data.size();
    ++env_->syncs_;
    return IoStatus::Ok();
  }

 private:
  MemEnv* env_;
  std::string path_;
};

IoStatus MemEnv::refuse(const std::string& what, const std::string& path) const {
  return IoStatus::Error(what + " " + path + ": " + read_only_);
}

IoStatus MemEnv::open_rw(const std::string& path, std::unique_ptr<RandomWriteFile>* out) {
  if (!read_only_.empty()) return refuse("open", path);
  if (!files_.contains(path))
    return IoStatus::Error("open " + path + ": No such file or directory");
  *out = std::make_unique<MemRwFile>(this, path);
  return IoStatus::Ok();
}

IoStatus MemEnv::open_append(const std::string& path, std::unique_ptr<WritableFile>* out) {
  if (!read_only_.empty()) return refuse("open", path);
  files_.try_emplace(path);
  *out = std::make_unique<MemFile>(this, path);
  return IoStatus::Ok();
}

IoStatus MemEnv::read_all(const std::string& path, Bytes* out) {
  auto it = files_.find(path);
  if (it == files_.end()) return IoStatus::Error("open " + path + ": No such file or directory");
  *out = it->second.data;
  return IoStatus::Ok();
}

IoStatus MemEnv::read_at(const std::string& path, uint64_t offset, size_t size, Bytes* out) {
  auto it = files_.find(path);
  if (it == files_.end()) return IoStatus::Error("open " + path + ": No such file or directory");
  const Bytes& d = it->second.data;
  if (offset > d.size() || size > d.size() - offset) {
    return IoStatus::Error("pread " + path + ": " + std::to_string(size) + " bytes at offset " +
                           std::to_string(offset) + " run past the end of the file");
  }
  out->assign(d.begin() + static_cast<std::ptrdiff_t>(offset),
              d.begin() + static_cast<std::ptrdiff_t>(offset + size));
  return IoStatus::Ok();
}

IoStatus MemEnv::file_size(const std::string& path, uint64_t* size) {
  auto it = files_.find(path);
  if (it == files_.end()) return IoStatus::Error("stat " + path + ": No such file or directory");
  *size = it->second.data.size();
  return IoStatus::Ok();
}

IoStatus MemEnv::truncate(const std::string& path, uint64_t size) {
  if (!read_only_.empty()) return refuse("open", path);
  auto it = files_.find(path);
  if (it == files_.end()) return IoStatus::Error("open " + path + ": No such file or directory");
  if (size < it->second.data.size()) it->second.data.resize(static_cast<size_t>(size));
  it->second.synced = it->second.data.size();
  return IoStatus::Ok();
}

IoStatus MemEnv::list(const std::string& dir, std::vector<std::string>* names) {
  names->clear();
  const std::string prefix = dir.empty() || dir.back() == '/' ? dir : dir + "/";
  for (const auto& [path, f] : files_) {
    if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
        path.find('/', prefix.size()) == std::string::npos) {
      names->push_back(path.substr(prefix.size()));
    }
  }
  return IoStatus::Ok();
}

IoStatus MemEnv::make_dir(const std::string&) {
  // Directories are implicit here (a path's parent exists); on a read-only filesystem creating
  // an existing directory succeeds too (EEXIST comes first), so this never fails.
  return IoStatus::Ok();
}

IoStatus MemEnv::sync_dir(const std::string& dir) {
  for (auto& [path, f] : files_) {
    if (parent_of(path) == dir) f.entry_durable = true;
  }
  return IoStatus::Ok();
}

IoStatus MemEnv::rename(const std::string& from, const std::string& to) {
  if (!read_only_.empty()) return refuse("rename", from + " -> " + to);
  auto it = files_.find(from);
  if (it == files_.end()) return IoStatus::Error("rename " + from + ": No such file or directory");
  File f = std::move(it->second);
  files_.erase(it);
  f.entry_durable = false;
  files_[to] = std::move(f);
  return IoStatus::Ok();
}

IoStatus MemEnv::remove(const std::string& path) {
  if (!read_only_.empty() && files_.contains(path)) return refuse("unlink", path);
  files_.erase(path);
  return IoStatus::Ok();
}

bool MemEnv::exists(const std::string& path) {
  return files_.contains(path);
}

void MemEnv::crash(uint64_t keep_unsynced) {
  for (auto it = files_.begin(); it != files_.end();) {
    File& f = it->second;
    if (!f.entry_durable) {
      it = files_.erase(it);
      continue;
    }
    if (f.stable) {  // in-place writes since the last sync: a prefix of them reached the disk
      f.data = std::move(*f.stable);
      f.stable.reset();
      uint64_t left = keep_unsynced;
      for (const auto& [off, bytes] : f.pending) {
        const size_t n = static_cast<size_t>(std::min<uint64_t>(left, bytes.size()));
        if (f.data.size() < off + n) f.data.resize(off + n, 0);
        std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n),
                  f.data.begin() + static_cast<std::ptrdiff_t>(off));
        left -= n;
      }
      f.pending.clear();
      f.synced = f.data.size();
      ++it;
      continue;
    }
    const uint64_t keep = std::min<uint64_t>(f.data.size(), f.synced + keep_unsynced);
    f.data.resize(static_cast<size_t>(keep));
    f.synced = f.data.size();
    ++it;
  }
  budget_.reset();
  fail_sync_ = false;
}

Bytes* MemEnv::contents(const std::string& path) {
  auto it = files_.find(path);
  return it == files_.end() ? nullptr : &it->second.data;
}

}  // namespace stoa::store
