#include "atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "errors.h"

namespace gk {

AtomicFileWriter::AtomicFileWriter(std::string final_path) : final_path_(std::move(final_path)) {
  std::string tmpl = final_path_ + ".tmp-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  int fd = ::mkstemp(buf.data());
  if (fd < 0) {
    int e = errno;
    fail(e == ENOENT ? ErrorKind::FileNotFound : ErrorKind::OS, "cannot create ", final_path_, ": ", std::strerror(e));
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
}

AtomicFileWriter::~AtomicFileWriter() {
  if (f_) std::fclose(f_);
  if (!committed_ && !temp_path_.empty()) ::unlink(temp_path_.c_str());
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
  if (pos_ - flushed_ >= (uint64_t(32) << 20)) {
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

void AtomicFileWriter::commit() {
  check(std::fflush(f_) == 0, "write");
  check(::fsync(::fileno(f_)) == 0, "sync");
  check(std::fclose(f_) == 0, "close");
  f_ = nullptr;
  check(::rename(temp_path_.c_str(), final_path_.c_str()) == 0, "rename into place");
  committed_ = true;
}

}  // namespace gk
