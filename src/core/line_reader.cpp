#include "line_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "errors.h"
#include "utf8.h"

namespace gk {

FileSource::FileSource(std::string path) : path_(std::move(path)) {
  fd_ = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    const int e = errno;
    fail(e == ENOENT ? ErrorKind::FileNotFound : ErrorKind::OS, "cannot open ", path_, ": ", std::strerror(e));
  }
  struct stat st;
  if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) size_ = static_cast<uint64_t>(st.st_size);
}

FileSource::~FileSource() {
  if (fd_ >= 0) ::close(fd_);
}

size_t FileSource::read(char* buf, size_t n) {
  for (;;) {
    const ssize_t r = ::read(fd_, buf, n);
    if (r >= 0) return static_cast<size_t>(r);
    if (errno != EINTR) os_error("error reading ", path_, ": ", std::strerror(errno));
  }
}

namespace {
size_t buffer_for(const ByteSource& src, size_t buffer_size) {
  const uint64_t hint = src.size_hint();
  // One byte more than the input, so that the first fill() reads it all and the second sees its end.
  return hint > 0 && hint < buffer_size ? std::max<size_t>(size_t(hint) + 1, 64) : buffer_size;
}
}  // namespace

LineReader::LineReader(ByteSource& src, size_t buffer_size) : src_(src), cap_(buffer_for(src, buffer_size)) {
  buf_.reset(new char[cap_]);
}

bool LineReader::fill() {
  peek_begin_ = SIZE_MAX;  // the buffer moves
  // Move the partial line to the front, grow if one line fills the buffer.
  if (begin_ > 0) {
    std::memmove(buf_.get(), buf_.get() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == cap_) {  // a line longer than the buffer
    std::unique_ptr<char[]> bigger(new char[cap_ * 2]);
    std::memcpy(bigger.get(), buf_.get(), end_);
    buf_ = std::move(bigger);
    cap_ *= 2;
  }
  size_t got = src_.read(buf_.get() + end_, cap_ - end_);
  if (got == 0) eof_ = true;
  end_ += got;
  return got > 0;
}

bool LineReader::next(std::string_view& line) {
  size_t scan = begin_;
  for (;;) {
    const char* p = peek_begin_ == begin_ ? buf_.get() + peek_nl_
                                          : static_cast<const char*>(std::memchr(buf_.get() + scan, '\n', end_ - scan));
    if (p) {
      size_t nl = static_cast<size_t>(p - buf_.get());
      size_t stop = nl;
      if (stop > begin_ && buf_[stop - 1] == '\r') --stop;
      line = std::string_view(buf_.get() + begin_, stop - begin_);
      begin_ = nl + 1;
      ++line_no_;
      return true;
    }
    if (eof_) {
      if (begin_ == end_) return false;
      size_t stop = end_;
      if (buf_[stop - 1] == '\r') --stop;
      line = std::string_view(buf_.get() + begin_, stop - begin_);
      begin_ = end_;
      ++line_no_;
      return true;
    }
    size_t consumed = end_ - begin_;
    fill();
    scan = begin_ + consumed;
  }
}

bool LineReader::peek(std::string_view& line) const {
  const char* p = static_cast<const char*>(std::memchr(buf_.get() + begin_, '\n', end_ - begin_));
  if (!p) return false;
  size_t stop = static_cast<size_t>(p - buf_.get());
  peek_begin_ = begin_;
  peek_nl_ = stop;
  if (stop > begin_ && buf_[stop - 1] == '\r') --stop;
  line = std::string_view(buf_.get() + begin_, stop - begin_);
  return true;
}

std::string LineReader::where() const {
  return cat(src_.name(), ":", line_no_);
}

std::string_view LineReader::require_utf8(std::string_view s, std::string_view what) const {
  if (!is_utf8(s)) value_error(where(), ": ", not_utf8(what, s));
  return s;
}

}  // namespace gk
