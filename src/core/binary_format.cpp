#include "binary_format.h"

#include <algorithm>
#include <cstring>

namespace gk {

void begin_binary_file(ByteWriter& out, const char* magic, uint32_t version) {
  BinaryHeader h{};
  std::memcpy(h.magic, magic, std::min(std::strlen(magic), sizeof h.magic));  // NUL padded, not terminated
  h.version = version;
  h.header_bytes = kHeaderBytes;
  out.write_pod(h);
}

void patch_file_size(ByteWriter& out) {
  uint64_t size = out.tell();
  out.write_at(offsetof(BinaryHeader, file_size), &size, sizeof size);
}

void finish_binary_file(AtomicFileWriter& out) {
  patch_file_size(out);
  out.commit();
}

void check_binary_header(const MappedFile& file, const char* magic, uint32_t version, const char* kind) {
  if (file.size() < kHeaderBytes || std::strncmp(reinterpret_cast<const char*>(file.data()), magic, 8) != 0)
    os_error(file.path(), " is not a genome_kit ", kind, " file (bad magic)");
  auto h = file.read<BinaryHeader>(0, "header");
  if (h.version != version)
    os_error(file.path(), " is a version ", h.version, " ", kind, " file; this genome_kit reads version ", version,
             ": rebuild the file");
  if (h.header_bytes != kHeaderBytes || h.file_size != file.size())
    file.corrupt(cat("header records ", h.file_size, " bytes, file has ", file.size()));
}

}  // namespace gk
