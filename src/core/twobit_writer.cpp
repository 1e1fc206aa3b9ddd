// FASTA → .2bit. Records are encoded one at a time into a scratch file (their
// offsets are unknown until every name is seen), then header, index and the
// scratch contents are written through an AtomicFileWriter.
#include <array>
#include <cstdio>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "atomic_writer.h"
#include "errors.h"
#include "line_reader.h"
#include "twobit.h"
#include "utf8.h"

namespace gk {

namespace {

// Per input character: 2-bit code, and flags.
enum : uint8_t { kBase = 1, kAmbiguous = 2, kLower = 4 };
struct CharClass {
  std::array<uint8_t, 256> code{}, flags{};
  CharClass() {
    const char* bases = "TCAG";
    for (int k = 0; k < 4; ++k) {
      set(bases[k], static_cast<uint8_t>(k), kBase);
      set(static_cast<char>(bases[k] + 32), static_cast<uint8_t>(k), kBase | kLower);
    }
    for (const char* p = "NRYKMSWBDHVX"; *p; ++p) {
      set(*p, 0, kAmbiguous);
      set(static_cast<char>(*p + 32), 0, kAmbiguous | kLower);
    }
  }
  void set(char c, uint8_t code_, uint8_t f) {
    code[static_cast<uint8_t>(c)] = code_;
    flags[static_cast<uint8_t>(c)] = f;
  }
};
const CharClass kClass;

// Run-length blocks (starts and sizes) built while streaming bases.
struct Blocks {
  std::vector<uint32_t> starts, sizes;
  bool open = false;
  void step(bool on, uint64_t pos) {
    if (on && !open) {
      starts.push_back(static_cast<uint32_t>(pos));
      sizes.push_back(0);
      open = true;
    } else if (!on) {
      open = false;
    }
    if (on) ++sizes.back();
  }
};

struct Record {
  std::string name;
  uint64_t size = 0;
  std::vector<uint8_t> packed;
  Blocks n, mask;
  void add(uint8_t code, uint8_t flags) {
    if (size >> 2 >= packed.size()) packed.push_back(0);
    packed[size >> 2] |= static_cast<uint8_t>(code << (6 - 2 * (size & 3)));
    n.step(flags & kAmbiguous, size);
    mask.step(flags & kLower, size);
    ++size;
  }
  uint64_t body_bytes() const { return 16 + 8 * (n.starts.size() + mask.starts.size()) + packed.size(); }
};

void put32(std::FILE* f, uint32_t v) {
  std::fwrite(&v, 4, 1, f);
}

/// The items of `v`; nothing for an empty vector, whose data() may be null (undefined for fwrite even with
/// a count of 0: UBSan's finding).
template <class T>
void put_all(std::FILE* f, const std::vector<T>& v) {
  if (!v.empty()) std::fwrite(v.data(), sizeof(T), v.size(), f);
}

}  // namespace

TwoBitWriteResult write_twobit(ByteSource& fasta, const std::string& out_path, int version,
                               const std::string& sizes_path) {
  if (version < -1 || version > 1) value_error("2bit version must be 0 or 1, got ", version);
  std::FILE* scratch = std::tmpfile();
  if (!scratch) os_error("cannot create a scratch file for ", out_path);
  struct Closer {
    std::FILE* f;
    ~Closer() { std::fclose(f); }
  } closer{scratch};

  TwoBitWriteResult result;
  std::vector<uint64_t> body_sizes;
  std::unordered_set<std::string> seen;
  Record rec;
  bool have = false;
  LineReader lines(fasta);

  auto flush = [&]() {
    if (!have) return;
    if (rec.size > UINT32_MAX) value_error(lines.name(), ": sequence '", rec.name, "' is longer than 2bit allows");
    put32(scratch, static_cast<uint32_t>(rec.size));
    for (Blocks* b : {&rec.n, &rec.mask}) {
      put32(scratch, static_cast<uint32_t>(b->starts.size()));
      put_all(scratch, b->starts);
      put_all(scratch, b->sizes);
    }
    put32(scratch, 0);
    put_all(scratch, rec.packed);
    if (std::ferror(scratch)) os_error("cannot write scratch data for ", out_path);
    body_sizes.push_back(rec.body_bytes());
    result.sizes.emplace_back(rec.name, static_cast<int64_t>(rec.size));
    rec = Record();
  };

  std::string_view line;
  while (lines.next(line)) {
    if (!line.empty() && line[0] == '>') {
      flush();
      size_t e = 1;
      while (e < line.size() && line[e] != ' ' && line[e] != '\t') ++e;
      std::string name(line.substr(1, e - 1));
      if (name.empty()) value_error(lines.where(), ": FASTA header has no sequence name");
      if (name.size() > 255) value_error(lines.where(), ": sequence name longer than 255 characters");
      lines.require_utf8(name, "sequence name");
      if (!is_chrom_name(name)) value_error(lines.where(), ": sequence name '", name, "' holds a control character");
      if (!seen.insert(name).second) value_error(lines.where(), ": sequence '", name, "' appears twice");
      rec.name = std::move(name);
      have = true;
      continue;
    }
    if (line.empty() || line[0] == ';') continue;
    if (!have) value_error(lines.where(), ": sequence data before the first '>' header");
    for (char c : line) {
      uint8_t f = kClass.flags[static_cast<uint8_t>(c)];
      if (f)
        rec.add(kClass.code[static_cast<uint8_t>(c)], f);
      else if (c != ' ' && c != '\t' && c != '*')
        value_error(lines.where(), ": invalid character '", c, "' in sequence '", rec.name, "'");
    }
  }
  flush();
  if (result.sizes.empty()) value_error(fasta.name(), ": no FASTA records found");

  // Offsets: header (16) + index + bodies in order.
  uint64_t index_bytes = 0;
  for (auto& s : result.sizes) index_bytes += 1 + s.first.size();
  auto offsets_for = [&](int v) {
    std::vector<uint64_t> offs;
    uint64_t off = 16 + index_bytes + result.sizes.size() * (v == 1 ? 8 : 4);
    for (uint64_t b : body_sizes) {
      offs.push_back(off);
      off += b;
    }
    return std::make_pair(offs, off);
  };
  auto [offsets, total] = offsets_for(version == 1 ? 1 : 0);
  if (version != 1 && total > UINT32_MAX) {
    if (version == 0) value_error(out_path, ": data exceeds 4 GiB; write 2bit version 1");
    version = 1;
    std::tie(offsets, total) = offsets_for(1);
  }
  if (version < 0) version = 0;

  AtomicFileWriter out(out_path);
  uint32_t header[4] = {0x1A412743, static_cast<uint32_t>(version), static_cast<uint32_t>(result.sizes.size()), 0};
  out.write(header, sizeof header);
  for (size_t i = 0; i < result.sizes.size(); ++i) {
    const std::string& n = result.sizes[i].first;
    uint8_t len = static_cast<uint8_t>(n.size());
    out.write_pod(len);
    out.write(n.data(), n.size());
    if (version == 1)
      out.write_pod(offsets[i]);
    else
      out.write_pod(static_cast<uint32_t>(offsets[i]));
  }
  std::rewind(scratch);
  std::vector<char> buf(1 << 20);
  size_t got;
  while ((got = std::fread(buf.data(), 1, buf.size(), scratch)) > 0) out.write(buf.data(), got);
  if (std::ferror(scratch)) os_error("cannot read the scratch file of ", out_path);
  if (!sizes_path.empty()) {
    AtomicFileWriter sizes(sizes_path);
    for (const auto& [name, size] : result.sizes) {
      std::string line = cat(name, '\t', size, '\n');
      sizes.write(line.data(), line.size());
    }
    sizes.commit();
  }
  out.commit();
  return result;
}

}  // namespace gk
