// Streaming text input for the parsers (FASTA, GFF3, GTF, VCF, WIG, BED).
//
// A ByteSource yields raw bytes (a plain file here; the bindings adapt Python
// streams such as gzip files or stdin). LineReader splits them into lines
// without copying more than one buffer, strips '\r\n', and counts lines so
// that every parse error can name its file and line.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gk {

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to n bytes; returns 0 at end of input.
  virtual size_t read(char* buf, size_t n) = 0;
  /// Name used in error messages (usually the path).
  virtual const std::string& name() const = 0;
  /// Bytes the source expects to yield (a regular file's size), or 0 when unknown.
  virtual uint64_t size_hint() const { return 0; }
};

/// A file read with plain read(2) calls (no stdio buffer: LineReader buffers).
class FileSource : public ByteSource {
 public:
  explicit FileSource(std::string path);
  ~FileSource() override;
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;
  size_t read(char* buf, size_t n) override;
  const std::string& name() const override { return path_; }
  uint64_t size_hint() const override { return size_; }

 private:
  std::string path_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

class LineReader {
 public:
  /// The buffer holds `buffer_size` bytes, or the whole input when its size_hint() is smaller (a
  /// chrom.sizes of 300 bytes gets no 1 MiB allocation); it grows for longer lines.
  explicit LineReader(ByteSource& src, size_t buffer_size = 1 << 20);
  /// Next line without its terminator; false at end of input. The view is
  /// valid until the next call.
  bool next(std::string_view& line);
  /// The line next() will return if it is already buffered (never reads,
  /// never consumes): for read-ahead hints. Valid until the next call of next().
  bool peek(std::string_view& line) const;
  uint64_t line_number() const { return line_no_; }
  const std::string& name() const { return src_.name(); }
  /// "file:line" for messages.
  std::string where() const;
  /// `s` (text of the current line the caller keeps); ValueError "file:line:
  /// <what> is not UTF-8: '<bytes>'" if it is not UTF-8.
  std::string_view require_utf8(std::string_view s, std::string_view what) const;

 private:
  bool fill();

  ByteSource& src_;
  // Not zero-filled (unlike a vector): a 1 MiB buffer reading a 20-line file must not fault in 256 pages.
  std::unique_ptr<char[]> buf_;
  size_t cap_;
  size_t begin_ = 0, end_ = 0;
  mutable size_t peek_begin_ = SIZE_MAX, peek_nl_ = 0;  // the newline peek() found for the line at peek_begin_
  bool eof_ = false;
  uint64_t line_no_ = 0;
};

}  // namespace gk
