// Chain file parsing, the cover tables, and UCSC liftOver's mapping rules.
#include "liftover.h"

#include <algorithm>
#include <cmath>

#include "assembly.h"
#include "errors.h"
#include "text_fields.h"

namespace gk {

namespace {

// Coordinates beyond this are rejected (no chromosome is that long; sums stay exact).
constexpr int64_t kMaxCoord = int64_t{1} << 48;

int64_t need_count(std::string_view field, const char* what, const std::string& where) {
  int64_t v = 0;
  if (!parse_int(field, v) || v < 0 || v > kMaxCoord)
    value_error(where, ": ", what, " must be a non-negative integer, got '", field, "'");
  return v;
}

/// First element of sorted [first, first + n) greater than v (std::upper_bound), without data-dependent
/// branches: random queries would mispredict about every other step of a branchy search.
inline const int64_t* upper_bound_nb(const int64_t* first, size_t n, int64_t v) {
  if (n == 0) return first;
  while (n > 1) {
    const size_t half = n / 2;
    first = first[half] <= v ? first + half : first;
    n -= half;
  }
  return first + (*first <= v);
}

}  // namespace

const char* lift_reason(LiftStatus s) {
  switch (s) {
    case LiftStatus::Mapped:
      return "";
    case LiftStatus::Deleted:
      return "Deleted in new";
    case LiftStatus::PartiallyDeleted:
      return "Partially deleted in new";
    case LiftStatus::Split:
      return "Split in new";
    case LiftStatus::Duplicated:
      return "Duplicated in new";
    case LiftStatus::NoTargetChrom:
      return "Target chromosome not in the target assembly";
  }
  return "";
}

LiftOver::LiftOver(ByteSource& src, RefgId target, double min_match) : target_(target), min_match_(min_match) {
  parse(src);
  build_covers();
  const Assembly& a = assembly(target);
  for (size_t i = 0; i < q_names_.size(); ++i) {
    const ChromId id = a.find(q_names_[i]);
    if (id >= 0 && a.chrom_size(id) >= 0 && a.chrom_size(id) != q_sizes_[i])
      value_error(src.name(), ": target chromosome ", q_names_[i], " has ", q_sizes_[i], " bases in the chains but ",
                  a.chrom_size(id), " in assembly ", a.name(), " (is it the chain file's destination assembly?)");
    q_to_target_.push_back(id);
  }
}

const std::vector<int32_t>& LiftOver::source_map(RefgId refg) const {
  std::lock_guard<std::mutex> lock(maps_mutex_);
  auto it = source_maps_.find(refg);
  if (it != source_maps_.end()) return it->second;
  const Assembly& a = assembly(refg);
  std::vector<int32_t> map(a.num_chroms(), -1);
  for (size_t i = 0; i < t_names_.size(); ++i) {
    const ChromId id = a.find(t_names_[i]);
    if (id < 0) continue;
    if (a.chrom_size(id) >= 0 && a.chrom_size(id) != t_sizes_[i])
      value_error("source chromosome ", t_names_[i], " has ", t_sizes_[i], " bases in the chains but ",
                  a.chrom_size(id), " in assembly ", a.name(), " (is it the chain file's source assembly?)");
    map[static_cast<size_t>(id)] = static_cast<int32_t>(i);
  }
  return source_maps_.emplace(refg, std::move(map)).first->second;
}

IntervalLift LiftOver::lift(const Interval& iv, double min_match) const {
  const std::vector<int32_t>& map = source_map(iv.refg);
  const int32_t chrom =
      iv.chrom >= 0 && static_cast<size_t>(iv.chrom) < map.size() ? map[static_cast<size_t>(iv.chrom)] : -1;
  const LiftResult r = lift(chrom, iv.start, iv.end, iv.strand, min_match);
  IntervalLift out{r.status, Interval{}};
  if (r.status != LiftStatus::Mapped) return out;
  const ChromId target_chrom = q_to_target_[static_cast<size_t>(r.chrom)];
  if (target_chrom < 0) {
    out.status = LiftStatus::NoTargetChrom;
    return out;
  }
  out.interval = Interval::make(target_chrom, r.strand, r.start, r.end, target_);
  return out;
}

int32_t LiftOver::intern(std::vector<std::string>& names, std::vector<int64_t>& sizes,
                         std::unordered_map<std::string, int32_t>& index, std::string_view name, int64_t size,
                         const char* side, const std::string& where) {
  auto [it, added] = index.try_emplace(std::string(name), static_cast<int32_t>(names.size()));
  if (added) {
    names.emplace_back(name);
    sizes.push_back(size);
  } else if (sizes[static_cast<size_t>(it->second)] != size) {
    value_error(where, ": ", side, " chromosome ", name, " has size ", size, " here but ",
                sizes[static_cast<size_t>(it->second)], " in an earlier chain");
  }
  return it->second;
}

void LiftOver::parse(ByteSource& src) {
  LineReader reader(src);
  std::string_view line;
  std::vector<std::string_view> f;
  bool in_chain = false;
  std::string header_where;
  Chain c{};
  int64_t t = 0, q = 0, t_end = 0, q_end = 0;
  while (reader.next(line)) {
    split_blanks(line, f);
    if (f.empty() || f[0][0] == '#') continue;  // blank lines separate chains; '#' lines are comments
    if (!in_chain) {
      header_where = reader.where();
      if (f[0] != "chain")
        value_error(header_where, ": expected a chain header line ('chain score tName ...'), found '",
                    line.substr(0, 60), "'");
      if (f.size() != 12 && f.size() != 13)
        value_error(header_where, ": a chain header has 12 or 13 fields, found ", f.size());
      // Finite: hits are sorted by score, and NaN breaks the ordering std::stable_sort needs.
      if (!parse_double(f[1], c.score) || !std::isfinite(c.score))
        value_error(header_where, ": chain score is not a finite number: '", f[1], "'");
      const int64_t t_size = need_count(f[3], "tSize", header_where);
      const int64_t q_size = need_count(f[8], "qSize", header_where);
      if (f[4] != "+")
        value_error(header_where, ": tStrand must be '+' (liftOver chains align the source forward), got '", f[4], "'");
      if (f[9] != "+" && f[9] != "-") value_error(header_where, ": qStrand must be '+' or '-', got '", f[9], "'");
      c.q_strand = f[9][0];
      c.t_start = t = need_count(f[5], "tStart", header_where);
      t_end = need_count(f[6], "tEnd", header_where);
      q = need_count(f[10], "qStart", header_where);
      q_end = need_count(f[11], "qEnd", header_where);
      if (t > t_end || t_end > t_size)
        value_error(header_where, ": tStart ", t, " and tEnd ", t_end, " must satisfy tStart <= tEnd <= tSize ",
                    t_size);
      if (q > q_end || q_end > q_size)
        value_error(header_where, ": qStart ", q, " and qEnd ", q_end, " must satisfy qStart <= qEnd <= qSize ",
                    q_size);
      c.t_end = t_end;
      reader.require_utf8(f[2], "the source chromosome name");
      reader.require_utf8(f[7], "the target chromosome name");
      c.t_chrom = intern(t_names_, t_sizes_, t_index_, f[2], t_size, "source", header_where);
      c.q_chrom = intern(q_names_, q_sizes_, q_index_, f[7], q_size, "target", header_where);
      c.first_block = static_cast<uint32_t>(blocks_.size());
      in_chain = true;
      continue;
    }
    // A block line: "size dt dq", or "size" closing the chain.
    if (f.size() != 1 && f.size() != 3)
      value_error(reader.where(), ": a chain block line has 3 fields (size dt dq) or 1 (the last), found ", f.size());
    const int64_t size = need_count(f[0], "block size", reader.where());
    if (size > 0) blocks_.push_back(Block{t, t + size, q});
    t += size;
    q += size;
    if (f.size() == 3) {
      t += need_count(f[1], "dt", reader.where());
      q += need_count(f[2], "dq", reader.where());
      if (t > t_end || q > q_end)
        value_error(reader.where(), ": the blocks run past the chain's end (tEnd ", t_end, ", qEnd ", q_end, ")");
      continue;
    }
    if (t != t_end || q != q_end)
      value_error(reader.where(), ": the chain's blocks end at t=", t, " q=", q, " but its header (", header_where,
                  ") says tEnd ", t_end, " qEnd ", q_end);
    c.num_blocks = static_cast<uint32_t>(blocks_.size() - c.first_block);
    if (blocks_.size() > UINT32_MAX || chains_.size() >= UINT32_MAX)
      value_error(reader.where(), ": too many chain blocks");
    chains_.push_back(c);
    in_chain = false;
  }
  if (in_chain)
    value_error(reader.name(), ": the chain starting at ", header_where,
                " is truncated (the file ends before its last block line)");
  if (chains_.empty()) value_error(reader.name(), ": no chains in the file (is it a chain file?)");
}

void LiftOver::build_covers() {
  block_ends_.reserve(blocks_.size());
  for (const Block& b : blocks_) block_ends_.push_back(b.t_end);
  for (Chain& c : chains_) {
    c.first_coarse = static_cast<uint32_t>(coarse_ends_.size());
    for (uint32_t k = 0; k < c.num_blocks; k += kStride)
      coarse_ends_.push_back(block_ends_[c.first_block + std::min(c.num_blocks, k + kStride) - 1]);
  }
  std::vector<PieceIndex::Span> spans;
  spans.reserve(blocks_.size());
  for (uint32_t i = 0; i < chains_.size(); ++i) {
    const Chain& c = chains_[i];
    const bool minus = c.q_strand == '-';
    const int64_t q_size = q_sizes_[static_cast<size_t>(c.q_chrom)];
    for (uint32_t k = c.first_block; k < c.first_block + c.num_blocks; ++k) {
      const Block& b = blocks_[k];
      // to_target() as off +/- t
      const int64_t off = minus ? q_size - b.q_start + b.t_start : b.q_start - b.t_start;
      spans.push_back({c.t_chrom, b.t_start, b.t_end, Piece{0, off, i, c.q_chrom * 2 + (minus ? 1 : 0)}});
    }
  }
  pieces_ = PieceIndex(t_names_.size(), spans);
  covers_.resize(t_names_.size());
  std::vector<std::vector<uint32_t>> by_chrom(t_names_.size());
  for (uint32_t i = 0; i < chains_.size(); ++i)
    if (chains_[i].t_end > chains_[i].t_start) by_chrom[static_cast<size_t>(chains_[i].t_chrom)].push_back(i);
  for (size_t k = 0; k < by_chrom.size(); ++k) {
    Cover& cov = covers_[k];
    for (uint32_t i : by_chrom[k]) {
      cov.breaks.push_back(chains_[i].t_start);
      cov.breaks.push_back(chains_[i].t_end);
    }
    std::sort(cov.breaks.begin(), cov.breaks.end());
    cov.breaks.erase(std::unique(cov.breaks.begin(), cov.breaks.end()), cov.breaks.end());
    const size_t nseg = cov.breaks.empty() ? 0 : cov.breaks.size() - 1;
    // Two passes: count the chains of each segment, then fill (CSR).
    auto seg_range = [&](const Chain& c) {
      auto lo = std::lower_bound(cov.breaks.begin(), cov.breaks.end(), c.t_start) - cov.breaks.begin();
      auto hi = std::lower_bound(cov.breaks.begin(), cov.breaks.end(), c.t_end) - cov.breaks.begin();
      return std::pair<size_t, size_t>(static_cast<size_t>(lo), static_cast<size_t>(hi));
    };
    cov.first.assign(nseg + 1, 0);
    for (uint32_t i : by_chrom[k]) {
      auto [lo, hi] = seg_range(chains_[i]);
      for (size_t s = lo; s < hi; ++s) ++cov.first[s + 1];
    }
    for (size_t s = 0; s < nseg; ++s) cov.first[s + 1] += cov.first[s];
    cov.ids.resize(cov.first[nseg]);
    std::vector<uint32_t> fill(cov.first.begin(), cov.first.end() - 1);
    for (uint32_t i : by_chrom[k]) {  // ascending chain index within each segment
      auto [lo, hi] = seg_range(chains_[i]);
      for (size_t s = lo; s < hi; ++s) cov.ids[fill[s]++] = i;
    }
  }
}

int32_t LiftOver::find_source(std::string_view name) const {
  auto it = t_index_.find(std::string(name));
  return it == t_index_.end() ? -1 : it->second;
}

LiftOver::ChainIds LiftOver::chains_over(int32_t chrom, int64_t start, int64_t end,
                                         std::vector<uint32_t>& scratch) const {
  const Cover& cov = covers_[static_cast<size_t>(chrom)];
  const size_t nseg = cov.first.size() - 1;
  if (nseg == 0 || end <= cov.breaks.front() || start >= cov.breaks.back()) return {nullptr, nullptr};
  size_t s = static_cast<size_t>(upper_bound_nb(cov.breaks.data(), cov.breaks.size(), start) - cov.breaks.data());
  s = s == 0 ? 0 : s - 1;
  const uint32_t* ids = cov.ids.data();
  if (s + 1 == nseg || cov.breaks[s + 1] >= end) return {ids + cov.first[s], ids + cov.first[s + 1]};  // one segment
  scratch.clear();
  for (; s < nseg && cov.breaks[s] < end; ++s)
    scratch.insert(scratch.end(), ids + cov.first[s], ids + cov.first[s + 1]);
  std::sort(scratch.begin(), scratch.end());
  scratch.erase(std::unique(scratch.begin(), scratch.end()), scratch.end());
  return {scratch.data(), scratch.data() + scratch.size()};
}

const LiftOver::Block* LiftOver::first_block_after(const Chain& c, int64_t pos) const {
  // Two levels: the chain's every kStride-th block end (a small array that stays cached) picks a run of
  // kStride blocks, whose dense t_end values (two cache lines) are searched next.
  const int64_t* coarse = coarse_ends_.data() + c.first_coarse;
  const uint32_t n_coarse = (c.num_blocks + kStride - 1) / kStride;
  const auto j = static_cast<uint32_t>(upper_bound_nb(coarse, n_coarse, pos) - coarse);
  if (j == n_coarse) return blocks_.data() + c.first_block + c.num_blocks;
  const int64_t* ends = block_ends_.data() + c.first_block;
  const int64_t* lo = ends + j * kStride;
  const int64_t* hi = ends + std::min(c.num_blocks, (j + 1) * kStride);
  return blocks_.data() + c.first_block + (upper_bound_nb(lo, static_cast<size_t>(hi - lo), pos) - ends);
}

int64_t LiftOver::to_target(const Chain& c, const Block& b, int64_t t) const {
  const int64_t q = b.q_start + (t - b.t_start);
  return c.q_strand == '+' ? q : q_sizes_[static_cast<size_t>(c.q_chrom)] - q;
}

LiftResult LiftOver::lift(int32_t chrom, int64_t start, int64_t end, char strand, double min_match) const {
  std::vector<uint32_t> scratch;  // allocates only for an interval over several cover segments
  return lift(chrom, start, end, strand, min_match, scratch);
}

bool LiftOver::lift_by_pieces(int32_t chrom, int64_t start, int64_t end, char strand, double min_match,
                              LiftResult& r) const {
  const Piece* p = pieces_.find(chrom, start);
  uint32_t chain = Piece::kNone;
  const Piece *first = p, *last = p;
  int64_t first_t = start, last_t = end, aligned = end - start;
  if (p[1].start >= end) {  // inside one piece (the usual case): all bases or none aligned
    if (p->chain == Piece::kSeveral) {
      r.status = LiftStatus::Duplicated;
      return true;
    }
    chain = p->chain;
  } else {
    aligned = 0;
    for (; p->start < end; ++p) {
      if (p->chain == Piece::kNone) continue;
      if (p->chain == Piece::kSeveral || (chain != Piece::kNone && p->chain != chain)) return false;
      const int64_t lo = std::max(start, p->start), hi = std::min(end, p[1].start);
      if (chain == Piece::kNone) {
        first = p;
        first_t = lo;
      }
      chain = p->chain;
      aligned += hi - lo;
      last = p;
      last_t = hi;
    }
  }
  if (chain == Piece::kNone) {
    r.status = LiftStatus::Deleted;
    return true;
  }
  if (!(static_cast<double>(aligned) >= min_match * static_cast<double>(end - start))) {
    r.status = LiftStatus::PartiallyDeleted;
    return true;
  }
  // The destination span of the aligned bases: from the first one to the last one.
  const int64_t a = first->to_target(first_t), b = last->to_target(last_t);
  r.status = LiftStatus::Mapped;
  r.chrom = first->q_chrom();
  r.start = std::min(a, b);
  r.end = std::max(a, b);
  r.strand = first->minus() ? (strand == '+' ? '-' : '+') : strand;
  return true;
}

LiftResult LiftOver::lift(int32_t chrom, int64_t start, int64_t end, char strand, double min_match,
                          std::vector<uint32_t>& scratch) const {
  LiftResult r;
  if (chrom < 0) return r;  // Deleted, as UCSC says for a chromosome the chains lack
  if (start < end && start >= 0 && lift_by_pieces(chrom, start, end, strand, min_match, r)) return r;
  if (start == end) {
    // An insertion point maps where one block holds the bases on both sides of it (none can before base 1
    // or past kMaxCoord, and start +/- 1 stays in range).
    if (start <= 0 || start > kMaxCoord) return r;
    int hits = 0;
    for (uint32_t i : chains_over(chrom, start - 1, start + 1, scratch)) {
      const Chain& c = chains_[i];
      const Block* b = first_block_after(c, start);
      if (b == blocks_.data() + c.first_block + c.num_blocks || b->t_start >= start) continue;
      if (++hits > 1) return LiftResult{LiftStatus::Duplicated};  // without the first chain's answer
      r.chrom = c.q_chrom;
      r.start = r.end = to_target(c, *b, start);
      r.strand = c.q_strand == '+' ? strand : (strand == '+' ? '-' : '+');
    }
    r.status = hits ? LiftStatus::Mapped : LiftStatus::Deleted;
    return r;
  }
  const double min_size = min_match * static_cast<double>(end - start);
  int hits = 0, partial = 0;
  const Chain* hit = nullptr;
  const Block *hit_first = nullptr, *hit_last = nullptr;
  for (uint32_t i : chains_over(chrom, start, end, scratch)) {
    const Chain& c = chains_[i];
    const Block* b = first_block_after(c, start);
    const Block* stop = blocks_.data() + c.first_block + c.num_blocks;
    const Block *first = nullptr, *last = nullptr;
    int64_t aligned = 0;
    for (; b != stop && b->t_start < end; ++b) {
      aligned += std::min(end, b->t_end) - std::max(start, b->t_start);
      if (!first) first = b;
      last = b;
    }
    if (aligned > 0 && static_cast<double>(aligned) >= min_size) {
      ++hits;
      hit = &c;
      hit_first = first;
      hit_last = last;
    } else if (aligned > 0) {
      ++partial;
    }
  }
  if (hits == 0) {
    r.status = partial == 0 ? LiftStatus::Deleted : partial == 1 ? LiftStatus::PartiallyDeleted : LiftStatus::Split;
    return r;
  }
  if (hits > 1) {
    r.status = LiftStatus::Duplicated;
    return r;
  }
  // The destination span of the aligned bases: from the first one to the last one.
  const int64_t a = to_target(*hit, *hit_first, std::max(start, hit_first->t_start));
  const int64_t b = to_target(*hit, *hit_last, std::min(end, hit_last->t_end));
  r.status = LiftStatus::Mapped;
  r.chrom = hit->q_chrom;
  r.start = std::min(a, b);
  r.end = std::max(a, b);
  r.strand = hit->q_strand == '+' ? strand : (strand == '+' ? '-' : '+');
  return r;
}

std::vector<PointHit> LiftOver::lift_point(int32_t chrom, int64_t pos, char strand) const {
  std::vector<PointHit> out;
  if (chrom < 0 || pos < 0 || pos >= kMaxCoord) return out;  // no block there (and pos + 1 stays in range)
  std::vector<uint32_t> scratch;
  for (uint32_t i : chains_over(chrom, pos, pos + 1, scratch)) {
    const Chain& c = chains_[i];
    const Block* b = first_block_after(c, pos);
    if (b == blocks_.data() + c.first_block + c.num_blocks || b->t_start > pos) continue;
    // A base (not a gap): on a '-' chain base q is q_size - 1 - q on '+'.
    const int64_t q = to_target(c, *b, pos);
    out.push_back(PointHit{c.q_chrom, c.q_strand == '+' ? q : q - 1,
                           c.q_strand == '+' ? strand : (strand == '+' ? '-' : '+'), c.score});
  }
  std::stable_sort(out.begin(), out.end(), [](const PointHit& x, const PointHit& y) { return x.score > y.score; });
  return out;
}

void LiftOver::lift_batch(size_t n, const int32_t* chrom, const int64_t* start, const int64_t* end, const char* strand,
                          double min_match, int32_t* out_chrom, int64_t* out_start, int64_t* out_end, char* out_strand,
                          uint8_t* out_status) const {
  const auto nchrom = static_cast<int32_t>(t_names_.size());
  std::vector<uint32_t> scratch;
  for (size_t i = 0; i < n; ++i) {
    if (chrom[i] < 0 || chrom[i] >= nchrom)
      index_error("row ", i, ": chromosome index ", chrom[i], " is outside the chain file's ", nchrom,
                  " source chromosomes");
    Interval::check_row(i, start[i], end[i]);
    const char s = strand ? strand[i] : '+';
    if (s != '+' && s != '-') value_error("row ", i, ": strand must be '+' or '-', got '", s, "'");
    const LiftResult r = lift(chrom[i], start[i], end[i], s, min_match, scratch);
    out_chrom[i] = r.status == LiftStatus::Mapped ? r.chrom : -1;
    out_start[i] = r.start;
    out_end[i] = r.end;
    out_strand[i] = r.strand;
    out_status[i] = static_cast<uint8_t>(r.status);
  }
}

}  // namespace gk
