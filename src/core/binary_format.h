// The header convention shared by every genome_kit binary file format.
//
// Layout (little-endian), 32 bytes at offset 0:
//    0  char[8]  magic         format name, NUL padded, e.g. "GKANNO"
//    8  uint32   version       format version; readers accept exactly theirs
//   12  uint32   header_bytes  32
//   16  uint64   file_size     total file size, patched last: a mismatch on
//                              open means the file is truncated or was never
//                              finished
//   24  uint64   reserved      0
// Everything after the header is format specific; readers validate every
// offset against the file size through MappedFile::array_at.
#pragma once

#include <cstdint>
#include <string>

#include "atomic_writer.h"
#include "mapped_file.h"

namespace gk {

constexpr uint32_t kHeaderBytes = 32;

struct BinaryHeader {
  char magic[8];
  uint32_t version;
  uint32_t header_bytes;
  uint64_t file_size;
  uint64_t reserved;
};
static_assert(sizeof(BinaryHeader) == kHeaderBytes, "header must be 32 bytes");

/// Writes the header with a placeholder size; call finish_binary_file last.
void begin_binary_file(ByteWriter& out, const char* magic, uint32_t version);

/// Patches file_size (the last step of an image built in memory).
void patch_file_size(ByteWriter& out);

/// Patches file_size, then commits (fsync + atomic rename).
void finish_binary_file(AtomicFileWriter& out);

/// Checks magic, version and size of a mapped file; `kind` names the format
/// in messages ("annotation", "track", ...). Throws OSError on any mismatch.
void check_binary_header(const MappedFile& file, const char* magic, uint32_t version, const char* kind);

}  // namespace gk
