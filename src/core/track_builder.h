// Builder of .gtrack files (layout in track_format.h) and its text importers
// (bedGraph, WIG, BED; track_import.cpp).
//
// Data arrives as blocks (an interval and its rows). Each block is checked
// (alignment, overlap, reference genome), encoded (transform, dictionary,
// range checks), optionally split around long runs of the default value
// (sparsity), bit packed and appended to a private spill file next to the
// output, so memory holds only the block index. finalize() writes the
// sorted file through an AtomicFileWriter: the output appears complete or
// not at all, and the spill file is always removed.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "interval.h"
#include "line_reader.h"
#include "track_format.h"

namespace gk {

enum class Strandedness { single_stranded, strand_unaware, strand_aware };

/// Parses "single_stranded" / "strand_unaware" / "strand_aware"; ValueError otherwise.
Strandedness parse_strandedness(const std::string& s);

class TrackBuilder {
 public:
  TrackBuilder(std::string path, EType etype, Strandedness strandedness, RefgId refg, uint32_t dim, uint32_t res);
  ~TrackBuilder();
  TrackBuilder(const TrackBuilder&) = delete;
  TrackBuilder& operator=(const TrackBuilder&) = delete;

  // Configuration: only before the first data (RuntimeError after).
  void set_default_value(double v);
  void set_sparsity(int64_t min_run, double min_delta);
  void set_clamping();
  void set_dict(const std::vector<float>& values);
  void set_transform(double a, double b, double c, double d);
  void set_restriction(const Interval& iv);
  /// Opaque bytes stored in the file (the Python layer writes per-dim JSON).
  void set_metadata(std::string bytes) { metadata_ = std::move(bytes); }

  /// Adds `rows` rows (row-major, dim values each) of numpy dtype `dt` for
  /// `iv`; data for '-' intervals is 5'→3' on strand_aware tracks and in
  /// reference order otherwise. `data` is ignored for m0.
  void set_data(const Interval& iv, const void* data, DType dt, int64_t rows);

  /// Text importers: `strand` is '+' or '-' (the strand the file's records
  /// belong to). Errors name the file and line.
  void add_bedgraph(ByteSource& src, char strand);
  /// WIG: with `track_name` or `track_index` (>= 0) set, only the section of
  /// that `track` line (its name= value, or its 0-based position) is read.
  void add_wig(ByteSource& src, char strand, const std::string& track_name = {}, int64_t track_index = -1);
  void add_bed(ByteSource& src, const std::vector<std::string>& categories);
  /// Runs [starts[i], ends[i]) with one value each (dim 1), e.g. from bigWig;
  /// merged like bedGraph records. `where` names the source in errors.
  void add_runs(ChromId chrom, char strand, const int64_t* starts, const int64_t* ends, const float* values, size_t n,
                const std::string& where);

  /// Seals the chromosomes that have data (no more data on them) and
  /// flushes the spill file.
  void flush();
  /// Writes the output file. RuntimeError if called twice.
  void finalize();
  /// Drops everything; the output file is not written.
  void abort();

  const std::string& path() const { return path_; }
  EType etype() const { return etype_; }
  uint32_t dim() const { return dim_; }
  uint32_t resolution() const { return res_; }
  bool stranded() const { return strandedness_ != Strandedness::single_stranded; }
  Strandedness strandedness() const { return strandedness_; }
  RefgId refg() const { return refg_; }
  bool finalized() const { return done_; }
  /// Positions stored, in resolution units.
  uint64_t data_size() const { return data_size_; }
  /// Blocks stored.
  uint64_t index_size() const { return blocks_.size(); }

  // Used by the importers (track_import.cpp).
  /// Adds reference-order rows of coarse range [cs, ce) on (chrom, strand).
  void add_block(ChromId chrom, char strand, int64_t cs, int64_t ce, const void* data, DType dt, bool reverse);
  /// Whether the default value can be stored (gaps may then be filled with it).
  bool default_encodable();
  double default_value() const { return default_; }

 private:
  struct Block {
    ChromId chrom;
    char strand;
    uint32_t start, end;  // coarse
    uint64_t spill_offset, bytes;
  };
  void check_config(const char* method) const;
  void freeze();
  /// Whether values of `dt` are stored as they are (u8 from uint8, i8 from int8, f16/f32 from the same
  /// float type without a transform): their bytes are the codes.
  bool stored_as_given(DType dt) const;
  /// Encodes one value (flat index j of a row pointer) into codes.
  void encode_row(const uint8_t* src, DType dt, uint8_t* codes) const;
  uint32_t encode_float(double v, bool from_float) const;
  double decode_code(const uint8_t* codes, size_t j) const;
  void write_segment(ChromId chrom, char strand, int64_t cs, int64_t ce, const uint8_t* codes);

  std::string path_;
  EType etype_;
  unsigned bits_, width_;  // bits per value; bytes per unpacked code
  Strandedness strandedness_;
  RefgId refg_;
  uint32_t dim_, res_;

  double default_;
  bool default_set_ = false;
  int64_t sparse_min_run_ = 0;  // 0: no sparsity
  double sparse_min_delta_ = 0;
  bool clamp_ = false;
  bool transform_ = false;
  double tf_a_ = 0, tf_scale_ = 1, tf_c_ = 0;
  bool restricted_ = false;
  Interval restriction_{};
  int64_t restrict_cs_ = 0, restrict_ce_ = 0;
  std::vector<float> dict_;
  size_t dict_finite_ = 0;  // dictionary entries before a trailing NaN
  std::string metadata_;

  bool frozen_ = false, done_ = false;
  bool default_checked_ = false, default_ok_ = false;
  std::vector<uint8_t> default_codes_;  // one row of the default, when encodable

  std::map<std::pair<ChromId, char>, std::map<int64_t, int64_t>> taken_;  // start -> end, coarse
  std::set<ChromId> sealed_;
  std::vector<Block> blocks_;
  uint64_t data_size_ = 0;
  std::string spill_path_;
  std::FILE* spill_ = nullptr;
  uint64_t spill_size_ = 0;
  std::vector<uint8_t> pack_buf_;
};

}  // namespace gk
