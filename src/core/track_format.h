// The .gtrack file format (magic "GKTRACK", version 1) shared by the track
// builder and reader, the element types ("etypes") and float16 conversion.
//
// Layout (little-endian; every offset absolute, every section 8-byte aligned):
//     0  BinaryHeader (binary_format.h), 32 bytes
//    32  TrackHeader, 128 bytes (struct below)
//        dictionary     float32[dict_size]                  (f2..f8 only)
//        chrom names    per chromosome: uint32 length, bytes (no NUL)
//        refg name      bytes
//        metadata       user bytes (per-dim metadata as UTF-8 JSON)
//        track table    TrackEntry[num_tracks], one per (chromosome, strand)
//        block indexes  per entry: uint64 offsets[n] (absent for m0),
//                       uint32 starts[n], uint32 ends[n]  (coarse units)
//        data region    block payloads, each starting 8-byte aligned, then
//                       8 zero bytes so packed decoders may load whole words
// Blocks of one entry are sorted by start and never overlap. A block covers
// coarse positions [start, end), i.e. bases [start*R, end*R) for resolution
// R; its payload holds (end-start)*dim values row-major (position outer, dim
// inner), packed LSB-first at `bits` bits per value when bits < 8. Positions
// no block covers take the default value, so runs of the default cost nothing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace gk {

constexpr const char* kTrackMagic = "GKTRACK";
constexpr uint32_t kTrackVersion = 1;

enum class EType : uint8_t { m0, u1, u2, u3, u4, u5, u6, u8, i8, f2, f3, f4, f5, f6, f8, f16, f32, count };

/// Output (decode) and input (encode) element types of numpy arrays.
enum class DType : uint8_t { Bool, U8, I8, F16, F32 };

struct ETypeInfo {
  const char* name;
  uint8_t bits;     // bits per stored value (0 for masks)
  bool dictionary;  // f2..f8: stored value indexes a dictionary of 2^bits floats
  bool is_float;    // decodes to float16 by default
  DType default_dtype;
};

const ETypeInfo& etype_info(EType e);
/// Parses "u8", "f16", ...; ValueError for an unknown name.
EType parse_etype(const std::string& name);
const char* dtype_name(DType d);
size_t dtype_size(DType d);
/// Whether values of etype `e` decode to / encode from numpy dtype `d`.
bool can_decode(EType e, DType d);
bool can_encode(EType e, DType d);

#pragma pack(push, 1)
struct TrackHeader {
  uint8_t etype;
  uint8_t bits;
  uint8_t stranded;
  uint8_t reserved0;
  uint32_t dim;
  uint32_t resolution;
  uint32_t num_chroms;
  double default_value;  // NaN when unset: decodes as NaN (floats) or 0 (integers)
  uint32_t dict_size;
  uint32_t num_tracks;
  uint64_t dict_offset;
  uint64_t names_offset;
  uint64_t names_size;
  uint64_t refg_offset;
  uint32_t refg_size;
  uint32_t reserved1;
  uint64_t table_offset;
  uint64_t meta_offset;
  uint64_t meta_size;
  uint64_t data_offset;
  uint64_t data_size;  // includes the 8 trailing zero bytes
  uint64_t reserved2[2];
};
static_assert(sizeof(TrackHeader) == 128, "TrackHeader must be 128 bytes");

struct TrackEntry {
  uint32_t chrom;  // index into the chromosome name list
  uint8_t strand;  // '+' or '-' ('+' only in unstranded tracks)
  uint8_t reserved0[3];
  uint64_t num_blocks;
  uint64_t index_offset;
  uint64_t reserved1;
};
static_assert(sizeof(TrackEntry) == 32, "TrackEntry must be 32 bytes");
#pragma pack(pop)

constexpr uint64_t kTrackHeaderOffset = 32;
constexpr uint64_t kDataPadBytes = 8;

/// Bytes of a block payload of `values` values at `bits` bits each.
inline uint64_t packed_bytes(uint64_t values, unsigned bits) {
  return (values * bits + 7) / 8;
}

// float16 (IEEE binary16) conversions; halves travel as uint16_t bit patterns.
float half_to_float(uint16_t h);
/// Round to nearest even; overflow gives ±inf, NaN stays NaN.
uint16_t float_to_half(float f);
/// 65536-entry table of half_to_float, built once.
const float* half_table();
/// dst[i] = half_to_float(src[i]) for n values: F16C instructions where the
/// CPU has them (checked once at run time), else a branch-free loop the
/// compiler vectorizes (always, with simd = false: for tests). `src` need not be aligned.
void halves_to_floats(const void* src, float* dst, size_t n, bool simd = true);

}  // namespace gk
