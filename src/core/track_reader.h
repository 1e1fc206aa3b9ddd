// Memory-mapped reader of .gtrack files (layout in track_format.h).
//
// Opening validates the header, every section and every block (sorted, non
// overlapping, payload inside the data region), so queries never check
// bounds again. After attach() the object is immutable: reads are thread
// safe and run without the GIL.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "interval.h"
#include "mapped_file.h"
#include "track_format.h"

namespace gk {

/// How values are combined into coarser bins (TrackFile::read_binned).
enum class Aggregation { Sum, Mean, Max };

class TrackFile {
 public:
  /// Maps and validates `path`; OSError if it is not a valid track file.
  explicit TrackFile(const std::string& path);

  /// Binds the file's chromosome names to assembly `refg` (the one named by
  /// refg_name()); OSError if a name is unknown to it.
  void attach(RefgId refg);

  const std::string& path() const { return file_.path(); }
  EType etype() const { return etype_; }
  const ETypeInfo& info() const { return etype_info(etype_); }
  uint32_t dim() const { return dim_; }
  uint32_t resolution() const { return res_; }
  bool stranded() const { return stranded_; }
  double default_value() const { return default_; }
  const std::string& refg_name() const { return refg_name_; }
  RefgId refg() const { return refg_; }
  const std::vector<float>& dictionary() const { return dict_; }
  std::string metadata() const;
  uint64_t num_blocks() const;

  /// Writes the rows of `iv` (5'→3': reversed on '-') decoded as `dt` to
  /// `out`, row k at out + k*row_stride elements (row_stride >= dim;
  /// elements of a row are contiguous). Uncovered positions get the default,
  /// as do positions before 0 or past the chromosome end. TypeError if the
  /// etype cannot decode as `dt`, ValueError for another reference genome.
  void read(const Interval& iv, DType dt, void* out, int64_t row_stride) const;

  /// Values of `iv` in bins of `bin_size` bases (a multiple of resolution();
  /// len(iv) a multiple of it), 5'→3' (reversed on '-'), aggregated from the
  /// stored rows without expanding them to bases: bin k of `out` (row k at
  /// out + k*row_stride) gets the sum, mean or max of the stored values it
  /// covers, each weighted by the share of its bases inside the bin (sum and
  /// mean; max takes every row it touches). Bases outside the chromosome count
  /// as the default value. NaN propagates. ValueError for a bad bin size.
  void read_binned(const Interval& iv, int64_t bin_size, Aggregation agg, float* out, int64_t row_stride) const;

  /// Stored rows [first, last) (in resolution units; first >= 0) of a chromosome's track,
  /// decoded as float32 in genomic order (or `reversed`), row k at out + k*row_stride; the
  /// default where nothing is stored.
  void read_stored_rows(ChromId chrom, char strand, int64_t first, int64_t last, bool reversed, float* out,
                        int64_t row_stride) const;

  /// Pointer to the stored rows of `iv` when they can be returned without
  /// decoding ('+' or unstranded query inside one block, resolution 1,
  /// byte-aligned etype decoded as its stored type), else nullptr.
  const void* view(const Interval& iv, DType dt) const;

  /// Blocks as intervals in (chromosome, strand, start) order; unstranded
  /// tracks report '+'.
  std::vector<Interval> intervals() const;

  /// Checks a query interval (reference genome) and the decode type.
  void check_query(const Interval& iv, DType dt) const;

 private:
  struct Track {
    uint64_t n = 0;
    const uint64_t* offsets = nullptr;  // nullptr for m0
    const uint32_t* starts = nullptr;
    const uint32_t* ends = nullptr;
    uint32_t name_index = 0;
    char strand = '+';
    // Jump table built on open: jump[j] = first block whose end > (j << jump_shift)
    // (coarse units), so a lookup binary-searches only [jump[j], jump[j + 1]]:
    // about one block, in one or two cache lines, instead of log2(n) misses.
    unsigned jump_shift = 0;
    std::vector<uint32_t> jump;
    /// First block whose end > coarse position `c` (n if none).
    uint64_t first_ending_after(int64_t c) const;
  };

  const Track* find(ChromId chrom, char strand) const;
  template <class S>
  void read_impl(const Interval& iv, DType dt, S* out, int64_t rs) const;
  template <class S>
  void read_rows(ChromId chrom, char strand, int64_t start, int64_t end, int64_t R, bool rev, DType dt, S* out,
                 int64_t rs) const;
  template <class S>
  S default_as(DType dt) const;
  template <class S>
  const S* lut(DType dt) const;

  MappedFile file_;
  EType etype_ = EType::m0;
  unsigned bits_ = 0;
  uint32_t dim_ = 1, res_ = 1;
  bool stranded_ = false;
  double default_ = 0;
  std::string refg_name_;
  RefgId refg_ = 0;
  bool attached_ = false;
  std::vector<float> dict_;
  std::vector<std::string> names_;
  std::vector<Track> tracks_;
  // tracks_ index per (assembly chromosome id, strand) after attach(): -1 when absent.
  std::vector<std::array<int32_t, 2>> by_chrom_;
  uint64_t meta_offset_ = 0, meta_size_ = 0;
  // Lookup tables from stored codes (bits <= 8) to each output type.
  std::array<uint8_t, 256> lut_bool_{}, lut_u8_{};
  std::array<int8_t, 256> lut_i8_{};
  std::array<uint16_t, 256> lut_f16_{};
  std::array<float, 256> lut_f32_{};
  // The default value as each output type, computed once.
  uint8_t default_bool_ = 0, default_u8_ = 0;
  int8_t default_i8_ = 0;
  uint16_t default_f16_ = 0;
  float default_f32_ = 0;
};

}  // namespace gk
