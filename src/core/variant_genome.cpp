#include "variant_genome.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include "errors.h"

namespace gk {

namespace {

constexpr int64_t kFar = std::numeric_limits<int64_t>::max() / 4;  // past any coordinate: "no further edit"

}  // namespace

void VariantGenome::check_and_normalize(const Variant& v, std::vector<Edit>& out) const {
  const TwoBitFile& dna = *dna_;
  if (v.refg != dna.refg())
    value_error(v.as_variant_string(), "'s genome (", v.refg_name(), ") doesn't match the reference genome (",
                assembly(dna.refg()).name(), ").");
  if (!allele_uses(v.alt, kApplicableAlleles))
    value_error("cannot apply ", v.as_variant_string(), ": ALT allele '", v.alt,
                "' must use only the upper-case letters ACGTN");
  int64_t size = dna.chrom_length(v.chrom);
  if (v.start < 0 || v.end > size)
    index_error("cannot apply ", v.as_variant_string(), ": it lies outside ", v.chrom_name(), " (positions 1 to ", size,
                ")");
  // REF against the genome (case-insensitive), without allocating for short alleles.
  size_t n = v.ref.size();
  char small[64];
  std::string big;
  char* found = small;
  if (n > sizeof(small)) {
    big.resize(n);
    found = big.data();
  }
  if (n > 0) dna.fetch(v, found, false, false);
  bool upper_ref = true, same = true;
  for (size_t i = 0; i < n; ++i) {
    char r = v.ref[i];
    char u = (r >= 'a' && r <= 'z') ? static_cast<char>(r - 'a' + 'A') : r;
    upper_ref &= r == u;
    same &= found[i] == u;
  }
  if (!same)
    value_error("cannot apply ", v.as_variant_string(), ": its REF allele '", v.ref, "' does not match the genome, ",
                "which has '", std::string(found, n), "' at ", v.chrom_name(), ":", v.start + 1, "-", v.end);
  if (upper_ref) {
    normalize_variant(v, out);
  } else {
    Variant norm = v;
    norm.ref = to_upper(v.ref);
    normalize_variant(norm, out);
  }
}

VariantGenome::VariantGenome(const TwoBitFile& dna, std::vector<Variant> variants)
    : dna_(&dna), variants_(std::move(variants)) {
  if (variants_.size() == 1) {
    // One variant (per-variant scoring): its edits are in order and cannot overlap.
    edits_.reserve(2);
    check_and_normalize(variants_[0], edits_);
    if (!edits_.empty()) chroms_.push_back(ChromEdits{variants_[0].chrom, 0, edits_.size()});
    return;
  }
  std::stable_sort(variants_.begin(), variants_.end(), [](const Variant& a, const Variant& b) {
    if (a.chrom != b.chrom) return a.chrom < b.chrom;
    if (a.start != b.start) return a.start < b.start;
    return a.end < b.end;
  });
  std::vector<Edit> all;
  std::vector<size_t> source;  // variant index of each edit
  all.reserve(variants_.size() + 4);
  source.reserve(variants_.size() + 4);
  for (size_t i = 0; i < variants_.size(); ++i) {
    check_and_normalize(variants_[i], all);
    source.resize(all.size(), i);
  }
  // Variants are sorted by chromosome and the edits of one variant are in
  // order, so only edits of neighbouring variants can be out of order.
  std::vector<size_t> order(all.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  auto chrom_of = [&](size_t k) { return variants_[source[k]].chrom; };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    if (chrom_of(a) != chrom_of(b)) return chrom_of(a) < chrom_of(b);
    return all[a].before(all[b]);
  });
  edits_.reserve(all.size());
  for (size_t k = 0; k < order.size(); ++k) {
    size_t cur = order[k];
    ChromId c = chrom_of(cur);
    if (chroms_.empty() || chroms_.back().chrom != c) {
      chroms_.push_back(ChromEdits{c, edits_.size(), edits_.size()});
    } else {
      size_t prev = order[k - 1];
      if (all[prev].conflicts_with(all[cur]))
        value_error("overlapping variants cannot be applied together: ", variants_[source[prev]].as_variant_string(),
                    " and ", variants_[source[cur]].as_variant_string(),
                    source[prev] == source[cur] ? " (the same variant given twice?)" : "");
    }
    edits_.push_back(std::move(all[cur]));
    chroms_.back().end = edits_.size();
  }
}

bool VariantGenome::same_edits(const VariantGenome& o) const {
  if (refg() != o.refg() || edits_.size() != o.edits_.size() || chroms_.size() != o.chroms_.size()) return false;
  for (size_t c = 0; c < chroms_.size(); ++c)
    if (chroms_[c].chrom != o.chroms_[c].chrom || chroms_[c].end != o.chroms_[c].end) return false;
  for (size_t k = 0; k < edits_.size(); ++k) {
    const Edit &a = edits_[k], &b = o.edits_[k];
    if (a.start != b.start || a.ref_len != b.ref_len || a.alt != b.alt) return false;
  }
  return true;
}

VariantGenome::Edits VariantGenome::edits_of(ChromId c) const {
  auto it = std::lower_bound(chroms_.begin(), chroms_.end(), c,
                             [](const ChromEdits& ce, ChromId id) { return ce.chrom < id; });
  if (it == chroms_.end() || it->chrom != c) return Edits{};
  return Edits{edits_.data() + it->begin, it->end - it->begin};
}

size_t VariantGenome::first_edit(const Edits& ed, int64_t gap) {
  // First edit at or after `gap`, or the one spanning it (edits do not
  // overlap, so their ends are sorted too).
  size_t i = static_cast<size_t>(
      std::lower_bound(ed.begin(), ed.end(), gap, [](const Edit& e, int64_t g) { return e.start < g; }) - ed.begin());
  if (i > 0 && ed[i - 1].end() > gap) --i;
  return i;
}

// Output produced by reading the variant sequence from reference gap `from`
// to gap `to`: the insertion at `from` minus its first skip_first_ins bases,
// the (edited) bases in [from, to) with insertions between them, and the
// first take_last_ins bases of the insertion at `to`.
int64_t VariantGenome::count(const Edits& ed, int64_t from, int64_t to, int64_t skip_first_ins, int64_t take_last_ins) {
  int64_t n = to - from;
  for (size_t i = first_edit(ed, from); i < ed.size() && ed[i].start <= to; ++i) {
    const Edit& e = ed[i];
    if (e.is_insertion()) {
      int64_t len = static_cast<int64_t>(e.alt.size());
      int64_t lo = e.start == from ? std::min(skip_first_ins, len) : 0;
      int64_t hi = e.start == to ? std::min(take_last_ins, len) : len;
      n += std::max<int64_t>(0, hi - lo);
    } else if (e.start < to) {
      int64_t a = std::max(e.start, from), b = std::min(e.end(), to);
      if (e.alt.empty()) n -= b - a;
    }
  }
  return n;
}

void VariantGenome::emit(const Interval& iv, const Edits& ed, int64_t from, int64_t to, int64_t skip_first_ins,
                         int64_t take_last_ins, int64_t skip, int64_t take, char* out, BaseOrigin* origin,
                         bool allow_outside, bool soft_mask) const {
  int64_t n = 0;
  // Appends `cnt` output bases: reference bases from `pos` (ins < 0), or
  // bases of `alt` (a substitution at `pos`, or insertion `ins` at gap pos).
  auto push = [&](int64_t pos, int64_t cnt, const char* alt, int32_t ins) {
    int64_t drop = std::min(cnt, skip);
    skip -= drop;
    cnt = std::min(cnt - drop, take - n);
    if (cnt <= 0) return;
    if (alt) {
      std::memcpy(out + n, alt + drop, static_cast<size_t>(cnt));
    } else {
      Interval r = iv;
      r.strand = '+';
      r.has_anchor = false;
      r.start = pos + drop;
      r.end = r.start + cnt;
      dna_->fetch(r, out + n, allow_outside, soft_mask);
    }
    if (origin) {
      for (int64_t k = 0; k < cnt; ++k) {
        if (ins >= 0)
          origin[n + k] = BaseOrigin{pos, static_cast<int32_t>(ins + drop + k)};
        else
          origin[n + k] = BaseOrigin{pos + drop + k, -1};
      }
    }
    n += cnt;
  };
  int64_t pos = from;
  size_t i = first_edit(ed, from);
  while (n < take) {
    if (i < ed.size() && ed[i].start <= pos) {
      const Edit& e = ed[i];
      if (e.is_insertion()) {  // e.start == pos
        int64_t len = static_cast<int64_t>(e.alt.size());
        int64_t lo = pos == from ? std::min(skip_first_ins, len) : 0;
        int64_t hi = pos == to ? std::min(take_last_ins, len) : len;
        if (hi > lo) push(pos, hi - lo, e.alt.data() + lo, static_cast<int32_t>(lo));
        ++i;
        if (pos == to) break;
        continue;
      }
      if (pos >= to) break;
      int64_t stop = std::min(e.end(), to);
      if (!e.alt.empty()) push(pos, stop - pos, e.alt.data() + (pos - e.start), -2);
      pos = stop;
      if (stop == e.end()) ++i;
      continue;
    }
    if (pos >= to) break;
    int64_t next = i < ed.size() ? ed[i].start : kFar;
    int64_t chunk = std::min(std::min(next, to) - pos, skip + (take - n));
    push(pos, chunk, nullptr, -1);
    pos += chunk;
  }
}

int64_t VariantGenome::output_length(const Interval& iv) const {
  if (iv.has_anchor) return iv.length();
  return count(edits_of(iv.chrom), iv.start, iv.end, 0, 0);
}

void VariantGenome::fetch(const Interval& iv, char* out, BaseOrigin* origin, bool allow_outside, bool soft_mask) const {
  if (iv.refg != refg())
    value_error("cannot fetch ", iv.describe(), " from a variant genome on ", assembly(refg()).name());
  Edits ed = edits_of(iv.chrom);
  int64_t s = iv.start, e = iv.end;
  int64_t len = output_length(iv);
  if (!iv.has_anchor) {
    emit(iv, ed, s, e, 0, 0, 0, len, out, origin, allow_outside, soft_mask);
  } else {
    int64_t a = iv.anchor;
    int64_t k = std::max<int64_t>(0, iv.anchor_offset);
    int64_t written = 0;
    if (a > s) {
      // Left part: the output ending at the anchor, right-aligned.
      int64_t need = a - s;
      int64_t from = s;
      for (int64_t have = count(ed, from, a, 0, k); have < need; have = count(ed, from, a, 0, k)) from -= need - have;
      int64_t have = count(ed, from, a, 0, k);
      int64_t take = std::min(a, e) - s;
      emit(iv, ed, from, a, 0, k, have - need, take, out, origin, allow_outside, soft_mask);
      written = take;
    }
    if (e > a) {
      // Right part: the output starting at the anchor, left-aligned.
      int64_t skip = std::max<int64_t>(0, s - a);
      emit(iv, ed, a, kFar, k, 0, skip, e - std::max(a, s), out + written, origin ? origin + written : nullptr,
           allow_outside, soft_mask);
    }
  }
  if (iv.strand == '-') {
    reverse_complement(out, static_cast<size_t>(len));
    if (origin) std::reverse(origin, origin + len);
  }
}

std::vector<int64_t> find_motif_offsets(const char* seq, int64_t n, const std::string& motif, bool overlapping) {
  std::vector<int64_t> hits;
  int64_t m = static_cast<int64_t>(motif.size());
  if (m == 0) value_error("find_motif needs a non-empty motif");
  int64_t step = overlapping ? 1 : m;
  const char* end = seq + n;
  const char* p = seq;
  while (end - p >= m) {
    const void* q = std::memchr(p, motif[0], static_cast<size_t>(end - p - m + 1));
    if (!q) break;
    p = static_cast<const char*>(q);
    if (std::memcmp(p, motif.data(), static_cast<size_t>(m)) == 0) {
      hits.push_back(p - seq);
      p += step;
    } else {
      ++p;
    }
  }
  return hits;
}

}  // namespace gk
