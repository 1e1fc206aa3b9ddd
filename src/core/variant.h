// Variant: a sequence change on the '+' strand of one chromosome, stored as
// the Interval spanning its reference allele (an insertion is the empty
// interval before base `start`) plus the REF and ALT allele strings.
//
// Construction never checks the alleles against the genome (so that any
// record can be represented); `parse_variant_string` + `check_variant_reference`
// are the validating path used for user-typed variant strings.
//
// Application (VariantGenome) works on normalised edits: the common prefix of
// REF and ALT is trimmed, then an equal-length change is one substitution; a
// longer ALT is a substitution of the overlapping part followed by an
// insertion of the rest; a shorter ALT is a substitution followed by a
// deletion of the rest of REF.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interval.h"

namespace gk {

struct Variant : Interval {
  std::string ref;
  std::string alt;

  /// Non-validating constructor: '+' strand, [start, start + len(ref)).
  static Variant make(ChromId chrom, int64_t start, std::string ref, std::string alt, RefgId refg);

  int64_t position() const { return start; }
  /// Same interval (chromosome, coordinates, assembly) and same alleles.
  bool same_variant(const Variant& o) const;
  /// `chrom:start+1:ref:alt` (DNA1 position, empty alleles as empty fields).
  std::string as_variant_string() const;
};

/// One normalised change: reference bases [start, start + ref_len) become
/// `alt`. ref_len == 0 is an insertion before base `start`; alt empty with
/// ref_len > 0 a deletion; equal lengths a substitution.
struct Edit {
  int64_t start = 0;
  int64_t ref_len = 0;
  std::string alt;
  int64_t end() const { return start + ref_len; }
  bool is_insertion() const { return ref_len == 0; }
  /// Application order: by start; an insertion at g sits before base g, so
  /// it comes before an edit starting at g.
  bool before(const Edit& o) const { return start != o.start ? start < o.start : is_insertion() && !o.is_insertion(); }
  /// Whether `next` (ordered after this edit) cannot be applied together with
  /// it: it starts inside this edit's reference bases, or both insert at the
  /// same gap.
  bool conflicts_with(const Edit& next) const {
    return next.start < end() || (is_insertion() && next.is_insertion() && start == next.start);
  }
};

/// Appends the normalised edits of `v` (0, 1 or 2 of them, in position
/// order) to `out`.
void normalize_variant(const Variant& v, std::vector<Edit>& out);

/// Normalised edits of those `variants` that lie on chromosome `chrom`,
/// sorted by position (an insertion before an edit starting at the same
/// base). ValueError if a variant is on another assembly than `refg` or two
/// edits overlap (as VariantGenome). `what` prefixes the messages.
std::vector<Edit> chromosome_edits(const std::vector<Variant>& variants, ChromId chrom, RefgId refg, const char* what);

/// Variant.spanning of two intervals at least one of which is anchored: the
/// smallest interval, anchored like the one of x and y with the leftmost
/// (anchor, anchor_offset) (x on a tie), whose anchored variant sequence
/// covers the variant sequences of both x and y (an unanchored interval
/// stands for the variant bases between its ends; an anchored one for its
/// anchored window). Both intervals must share chromosome, strand and
/// assembly and have their anchors inside [start, end] (ValueError).
Interval variant_spanning(const Interval& x, const Interval& y, const std::vector<Variant>& variants);

/// ASCII upper case of `s`.
std::string to_upper(std::string s);
/// Upper-cases an allele and maps the empty markers "", "-", "." and "-." to "".
std::string normalize_allele(const std::string& allele);
/// True if every character of `allele` is in `alphabet`.
bool allele_uses(const std::string& allele, const char* alphabet);

/// IUPAC letters accepted in user-typed alleles.
constexpr const char* kIupacAlleles = "ACGTWSMKRYBDHVNZ";
/// Letters VariantGenome can apply.
constexpr const char* kApplicableAlleles = "ACGTN";

/// Parses `chrom:pos1:ref:alt` (DNA1 position, commas allowed; empty
/// alleles written "", "-" or "."; case-insensitive) on assembly `refg`;
/// also `chrom:pos1:ref>alt`, `chrom_pos1_ref_alt[_b37|_b38]` (GTEx, Open
/// Targets) and `chrom-pos1-ref-alt` (gnomAD).
/// The chromosome gets a "chr" prefix when only the prefixed name exists
/// (Ensembl style "7"), otherwise aliases apply. ValueError for malformed
/// text, unknown chromosomes or non-IUPAC alleles. Does not look at the
/// sequence: see check_variant_reference.
Variant parse_variant_string(const std::string& text, RefgId refg);

/// IndexError if the reference allele of `v` lies outside [0, chrom_size)
/// (an insertion may sit at chrom_size). `text` is quoted in the message.
void check_variant_bounds(const Variant& v, int64_t chrom_size, const std::string& text);
/// ValueError naming both alleles if `found` (the genome's bases over v's
/// interval) differs from v.ref.
void check_variant_reference(const Variant& v, const std::string& found, const std::string& text);

}  // namespace gk
