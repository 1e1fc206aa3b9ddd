// Sequential binary output: the interface the format writers (chromosome
// tables, interval indexes, annotation images) write through, so one writer
// serves both a file that appears atomically (AtomicFileWriter) and an image
// built in memory (MemoryWriter, e.g. a GenomeKit .dganno converted on open).
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "big_alloc.h"

namespace gk {

class ByteWriter {
 public:
  virtual ~ByteWriter() = default;
  virtual void write(const void* data, size_t n) = 0;
  /// Overwrites bytes already written (for offsets known only later).
  virtual void write_at(uint64_t offset, const void* data, size_t n) = 0;
  virtual uint64_t tell() const = 0;

  template <class T>
  void write_pod(const T& v) {
    write(&v, sizeof(T));
  }
  template <class T>
  void write_vector(const std::vector<T>& v) {
    if (!v.empty()) write(v.data(), v.size() * sizeof(T));
  }
  /// Writes zero bytes until tell() is a multiple of `alignment`.
  void pad_to(uint64_t alignment) {
    static const char zeros[64] = {};
    while (tell() % alignment) {
      uint64_t left = alignment - tell() % alignment;
      write(zeros, left < sizeof zeros ? left : sizeof zeros);
    }
  }
};

/// Output into a growing buffer (big_alloc memory for large images).
class MemoryWriter : public ByteWriter {
 public:
  void write(const void* data, size_t n) override {
    if (n == 0) return;
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + n);
  }
  void write_at(uint64_t offset, const void* data, size_t n) override { std::memcpy(&bytes_[offset], data, n); }
  uint64_t tell() const override { return bytes_.size(); }
  void reserve(size_t n) { bytes_.reserve(n); }
  /// The bytes written (the writer is left empty).
  BigVector<uint8_t> take() { return std::move(bytes_); }

 private:
  BigVector<uint8_t> bytes_;
};

}  // namespace gk
