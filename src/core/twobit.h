// UCSC .2bit sequence files: a memory-mapped reader and a FASTA → 2bit writer.
//
// Layout (UCSC): header {uint32 signature 0x1A412743, uint32 version (0: 32-bit
// record offsets, 1: 64-bit), uint32 sequence count, uint32 reserved}; index of
// {uint8 name length, name, uint32|uint64 record offset}; per record {uint32
// dna size, uint32 N-block count, starts[], sizes[], uint32 mask-block count,
// starts[], sizes[], uint32 reserved, bases packed 4 per byte, T=0 C=1 A=2 G=3,
// first base in the high bits}. A file written on a big-endian machine has
// every integer byte-swapped; its signature reads as 0x4327411A.
//
// The reader parses only the index when it opens (time independent of genome
// size), and the fixed part of a record on the first use of its chromosome;
// block arrays are read in place.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "assembly.h"
#include "interval.h"
#include "mapped_file.h"
#include "one_hot.h"

namespace gk {

class ByteSource;

class TwoBitFile {
 public:
  /// Opens `path` for assembly `refg`; every sequence name must be a
  /// chromosome (or alias) of that assembly.
  TwoBitFile(const std::string& path, RefgId refg);

  const std::string& path() const { return file_.path(); }
  RefgId refg() const { return refg_; }
  bool has_chrom(ChromId c) const;
  /// Length of a chromosome's sequence; ValueError if the file lacks it (OSError
  /// if chrom.sizes lists it: the pair disagrees).
  int64_t chrom_length(ChromId c) const;

  /// Writes the sequence of `iv` (reverse complement on '-') into out[0,
  /// len). Bases outside the chromosome are 'N' when allow_outside, else
  /// IndexError. Upper case unless soft_mask. Thread safe.
  void fetch(const Interval& iv, char* out, bool allow_outside, bool soft_mask) const;
  /// Writes the one-hot of `iv` (one_hot.h layout; N and bases outside the chromosome all
  /// zero) into out[0, 4 * len) straight from the packed bases; `stream` as in
  /// one_hot_unpack. Errors as fetch. T is uint8_t, float or Half. Thread safe.
  template <class T>
  void fetch_one_hot(const Interval& iv, T* out, bool allow_outside, bool stream) const;

 private:
  struct Record {
    uint64_t offset = 0;  // of the sequence record, from the index
    bool present = false;
    // Parsed on first use (parsed()):
    uint64_t dna_size = 0;
    uint64_t n_count = 0, n_offset = 0;        // N-block starts at n_offset, sizes follow
    uint64_t mask_count = 0, mask_offset = 0;  // same for mask blocks
    uint64_t packed_offset = 0;
  };
  uint32_t u32(uint64_t offset, const char* what) const;
  /// Calls fn(a, b) for the parts [a, b) of blocks that overlap [lo, hi).
  template <class Fn>
  void for_blocks(uint64_t count, uint64_t offset, int64_t lo, int64_t hi, Fn&& fn) const;
  const Record& record(const Interval& iv) const;
  /// Splits `iv` in genomic order into parts of sequence, bases(packed, a, b), and gaps (N
  /// blocks, positions outside the chromosome), gap(a, b). IndexError for positions outside
  /// the chromosome unless allow_outside.
  template <class Bases, class Gap>
  void for_parts(const Record& r, const Interval& iv, bool allow_outside, Bases&& bases, Gap&& gap) const;
  /// Record of a present chromosome, its fixed part parsed and checked on first use (thread safe).
  const Record& parsed(ChromId c) const;
  /// Throws for a chromosome without a sequence in the file.
  [[noreturn]] void missing(ChromId c) const;

  MappedFile file_;
  RefgId refg_;
  bool swapped_ = false;
  mutable std::vector<Record> records_;  // indexed by chromosome id
  std::unique_ptr<std::once_flag[]> parsed_;
};

/// Reverse-complements `n` IUPAC bases in place (case preserved).
void reverse_complement(char* s, size_t n);

struct TwoBitWriteResult {
  std::vector<std::pair<std::string, int64_t>> sizes;  // chromosome sizes in file order
};

/// Converts FASTA text to a .2bit file at `out_path` (written atomically).
/// IUPAC ambiguity codes become N; lower case becomes mask blocks. `version`
/// 0 or 1; 0 fails if the file would exceed 4 GiB. Errors name source:line.
/// With `sizes_path`, also writes the chrom.sizes of the sequences there,
/// committed just before the .2bit: a build killed at any point leaves no
/// .2bit without its sizes (TwoBitFile refuses a .2bit whose lengths
/// disagree with the sizes, as a stale .2bit beside new sizes would).
TwoBitWriteResult write_twobit(ByteSource& fasta, const std::string& out_path, int version,
                               const std::string& sizes_path = "");

}  // namespace gk
