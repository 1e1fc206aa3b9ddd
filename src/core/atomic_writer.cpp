#include "atomic_writer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "errors.h"

namespace gk {

namespace {
// The temporaries of `final_path`: its name followed by one of these and six
// mkstemp characters.
const char* const kTempInfixes[] = {".tmp-", ".spill-", ".spill."};

std::pair<std::string, std::string> split_dir(const std::string& path) {
  size_t slash = path.rfind('/');
  if (slash == std::string::npos) return {".", path};
  return {slash == 0 ? "/" : path.substr(0, slash), path.substr(slash + 1)};
}
}  // namespace

int AtomicFileWriter::reclaim_stale(const std::string& final_path) {
  auto [dir, base] = split_dir(final_path);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;  // creating the writer's own file will report the problem
  int removed = 0;
  while (dirent* ent = ::readdir(d)) {
    std::string name = ent->d_name;
    bool ours = false;
    for (const char* infix : kTempInfixes) {
      std::string prefix = base + infix;
      ours |= name.size() == prefix.size() + 6 && name.compare(0, prefix.size(), prefix) == 0;
    }
    if (!ours) continue;
    std::string path = dir + "/" + name;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0) continue;
    // Held by a live writer: EWOULDBLOCK. Free: its writer is gone.
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::unlink(path.c_str()) == 0) ++removed;
    ::close(fd);
  }
  ::closedir(d);
  return removed;
}

AtomicFileWriter::AtomicFileWriter(std::string final_path) : final_path_(std::move(final_path)) {
  reclaim_stale(final_path_);
  int fd = -1;
  std::vector<char> buf;
  for (int attempt = 0; fd < 0; ++attempt) {
    std::string tmpl = final_path_ + ".tmp-XXXXXX";
    buf.assign(tmpl.begin(), tmpl.end());
    buf.push_back('\0');
    fd = ::mkstemp(buf.data());
    if (fd < 0) {
      int e = errno;
      fail(e == ENOENT ? ErrorKind::FileNotFound : ErrorKind::OS, "cannot create ", final_path_, ": ",
           std::strerror(e));
    }
    // Another writer's reclaim_stale may have removed the file between
    // mkstemp and the lock: then the file is gone (no links) and we retry.
    // (Where the file system has no flock, nothing is locked and nothing is
    // reclaimed: reclaim_stale removes only files it could lock.)
    struct stat st;
    if (::flock(fd, LOCK_EX) == 0 && ::fstat(fd, &st) == 0 && st.st_nlink == 0) {
      ::close(fd);
      fd = -1;
      if (attempt == 8) os_error("cannot create ", final_path_, ": its temporary files keep disappearing");
    }
  }
  ::fchmod(fd, 0644);
  temp_path_ = buf.data();
  f_ = ::fdopen(fd, "wb");
  if (!f_) {
    ::close(fd);
    ::unlink(temp_path_.c_str());
    os_error("cannot write ", final_path_, ": ", std::strerror(errno));
  }
  std::setvbuf(f_, nullptr, _IOFBF, 1 << 20);
  durable_ = durable_commits();
}

AtomicFileWriter::~AtomicFileWriter() {
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
  if (f_) std::fclose(f_);
}

void AtomicFileWriter::check(bool ok, const char* what) {
  if (!ok) os_error("cannot ", what, " ", final_path_, ": ", std::strerror(errno));
}

void AtomicFileWriter::write(const void* data, size_t n) {
  if (n == 0) return;
  check(std::fwrite(data, 1, n, f_) == n, "write");
  pos_ += n;
#ifdef SYNC_FILE_RANGE_WRITE
  // Start the writeback of every 32 MiB written, so that commit()'s fsync has little left to wait
  // for (a large build otherwise waits for all of its output at the end).
  if (durable_ && pos_ - flushed_ >= (uint64_t(32) << 20)) {
    check(std::fflush(f_) == 0, "write");
    ::sync_file_range(::fileno(f_), static_cast<off_t>(flushed_), static_cast<off_t>(pos_ - flushed_),
                      SYNC_FILE_RANGE_WRITE);  // a hint: errors surface at fsync
    flushed_ = pos_;
  }
#endif
}

void AtomicFileWriter::write_at(uint64_t offset, const void* data, size_t n) {
  check(std::fflush(f_) == 0, "write");
  check(::pwrite(::fileno(f_), data, n, static_cast<off_t>(offset)) == static_cast<ssize_t>(n), "write");
}

bool AtomicFileWriter::durable_commits() {
  const char* v = std::getenv("GENOMEKIT_FSYNC");
  return v && *v && std::strcmp(v, "0") != 0;
}

void AtomicFileWriter::commit() {
  check(std::fflush(f_) == 0, "write");
  if (durable_) check(::fsync(::fileno(f_)) == 0, "sync");
  // Renamed while still open, so still locked: no reclaim_stale can take it.
  check(::rename(temp_path_.c_str(), final_path_.c_str()) == 0, "rename into place");
  committed_ = true;
  std::FILE* f = f_;
  f_ = nullptr;
  check(std::fclose(f) == 0, "close");
}

}  // namespace gk
