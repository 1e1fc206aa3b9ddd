#include "spill_file.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "errors.h"

namespace gk {

SpillFile::SpillFile(const std::string& near) : near_(near) {
  std::string tmpl = near + ".spill.XXXXXX";
  std::vector<char> name(tmpl.begin(), tmpl.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0) os_error("cannot create a temporary file next to ", near, ": ", std::strerror(errno));
  ::unlink(name.data());
  buf_.resize(1 << 20);
}

SpillFile::~SpillFile() {
  if (fd_ >= 0) ::close(fd_);
}

void SpillFile::write(const void* data, size_t n) {
  if (used_ + n > buf_.size()) {
    flush();
    if (n > buf_.size()) {
      raw_write(data, n);
      total_ += n;
      return;
    }
  }
  std::memcpy(buf_.data() + used_, data, n);
  used_ += n;
  total_ += n;
}

void SpillFile::copy_to(AtomicFileWriter& out) {
  flush();
  if (::lseek(fd_, 0, SEEK_SET) < 0)
    os_error("cannot rewind the temporary file next to ", near_, ": ", std::strerror(errno));
  uint64_t left = total_;
  while (left > 0) {
    ssize_t got = ::read(fd_, buf_.data(), static_cast<size_t>(std::min<uint64_t>(left, buf_.size())));
    if (got <= 0)
      os_error("cannot read the temporary file next to ", near_, ": ",
               got < 0 ? std::strerror(errno) : "unexpected end");
    out.write(buf_.data(), static_cast<size_t>(got));
    left -= static_cast<uint64_t>(got);
  }
}

void SpillFile::flush() {
  if (used_) raw_write(buf_.data(), used_);
  used_ = 0;
}

void SpillFile::raw_write(const void* data, size_t n) {
  const char* p = static_cast<const char*>(data);
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      os_error("cannot write the temporary file next to ", near_, ": ", std::strerror(errno));
    }
    p += w;
    n -= static_cast<size_t>(w);
  }
}

}  // namespace gk
