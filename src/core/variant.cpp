#include "variant.h"

#include <algorithm>
#include <cctype>
#include <cstring>

#include "errors.h"

namespace gk {

Variant Variant::make(ChromId chrom, int64_t start, std::string ref, std::string alt, RefgId refg) {
  Variant v;
  static_cast<Interval&>(v) = Interval::make(chrom, '+', start, start + static_cast<int64_t>(ref.size()), refg);
  v.ref = std::move(ref);
  v.alt = std::move(alt);
  return v;
}

bool Variant::same_variant(const Variant& o) const {
  return refg == o.refg && chrom == o.chrom && start == o.start && end == o.end && ref == o.ref && alt == o.alt;
}

std::string Variant::as_variant_string() const {
  return cat(chrom_name(), ":", start + 1, ":", ref, ":", alt);
}

void normalize_variant(const Variant& v, std::vector<Edit>& out) {
  size_t r = v.ref.size(), a = v.alt.size();
  size_t p = 0;
  while (p < r && p < a && v.ref[p] == v.alt[p]) ++p;
  int64_t pos = v.start + static_cast<int64_t>(p);
  size_t rr = r - p, aa = a - p;
  size_t common = rr < aa ? rr : aa;
  if (common > 0) out.push_back(Edit{pos, static_cast<int64_t>(common), v.alt.substr(p, common)});
  pos += static_cast<int64_t>(common);
  if (aa > rr) out.push_back(Edit{pos, 0, v.alt.substr(p + common)});
  if (rr > aa) out.push_back(Edit{pos, static_cast<int64_t>(rr - aa), std::string()});
}

std::string to_upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string normalize_allele(const std::string& allele) {
  if (allele == "-" || allele == "." || allele == "-.") return std::string();
  return to_upper(allele);
}

bool allele_uses(const std::string& allele, const char* alphabet) {
  for (char c : allele)
    if (c == '\0' || !std::strchr(alphabet, c)) return false;
  return true;
}

namespace {

std::string trim(const std::string& s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return s.substr(b, e - b);
}

int64_t parse_position(const std::string& field, const std::string& text) {
  std::string digits;
  for (char c : field)
    if (c != ',') digits += c;
  digits = trim(digits);
  size_t i = 0;
  if (i < digits.size() && (digits[i] == '+' || digits[i] == '-')) ++i;
  if (i == digits.size()) value_error("Invalid position in variant: ", text);
  for (size_t k = i; k < digits.size(); ++k)
    if (!std::isdigit(static_cast<unsigned char>(digits[k]))) value_error("Invalid position in variant: ", text);
  if (digits.size() - i > 15) value_error("Invalid position in variant: ", text, " (out of range)");
  return std::stoll(digits);
}

std::vector<std::string> split(const std::string& text, char sep) {
  std::vector<std::string> fields;
  size_t b = 0;
  for (;;) {
    size_t c = text.find(sep, b);
    fields.push_back(text.substr(b, c == std::string::npos ? std::string::npos : c - b));
    if (c == std::string::npos) break;
    b = c + 1;
  }
  return fields;
}

/// The four fields chrom, pos, ref, alt of the spellings in use: `chr22:1024:A:C`,
/// `chr22:1024:A>C`, GTEx `chr22_1024_A_C_b38`, Open Targets `22_1024_A_C`,
/// gnomAD `22-1024-A-C`. Without a colon the last three fields are position and
/// alleles, so chromosome names may hold '_' or '-' (`chrUn_gl000220_1000_A_C`).
std::vector<std::string> variant_fields(const std::string& text) {
  if (text.find(':') != std::string::npos) {
    std::vector<std::string> f = split(text, ':');
    size_t arrow = f.size() == 3 ? f[2].find('>') : std::string::npos;
    if (arrow != std::string::npos) return {f[0], f[1], f[2].substr(0, arrow), f[2].substr(arrow + 1)};
    if (f.size() != 4) value_error("Variant must have exactly four components: ", text);
    return f;
  }
  char sep = text.find('_') != std::string::npos ? '_' : '-';
  std::vector<std::string> f = split(text, sep);
  if (sep == '_' && f.size() >= 5 && (f.back() == "b37" || f.back() == "b38")) f.pop_back();  // GTEx build tag
  if (f.size() < 4 || f[f.size() - 4].empty())
    value_error("Variant must be chrom:pos:ref:alt (or chrom_pos_ref_alt, chrom-pos-ref-alt), got: ", text);
  std::string chrom = f[0];
  for (size_t k = 1; k + 3 < f.size(); ++k) chrom += sep + f[k];
  return {chrom, f[f.size() - 3], f[f.size() - 2], f[f.size() - 1]};
}

}  // namespace

Variant parse_variant_string(const std::string& text, RefgId refg) {
  std::vector<std::string> fields = variant_fields(text);
  int64_t pos = parse_position(fields[1], text) - 1;
  const Assembly& asm_ = assembly(refg);
  const std::string& name = fields[0];
  ChromId chrom = -1;
  if (name.compare(0, 3, "chr") != 0) {
    ChromId prefixed = asm_.find("chr" + name);
    if (prefixed >= 0 && static_cast<size_t>(prefixed) < asm_.num_sized() && asm_.chrom_name(prefixed) == "chr" + name)
      chrom = prefixed;
  }
  if (chrom < 0) chrom = asm_.resolve(name);
  std::string ref = normalize_allele(fields[2]), alt = normalize_allele(fields[3]);
  for (const std::string* a : {&ref, &alt})
    if (!allele_uses(*a, kIupacAlleles))
      value_error("Variant string was invalid: ", text, ": allele '", *a, "' has letters outside ", kIupacAlleles);
  return Variant::make(chrom, pos, std::move(ref), std::move(alt), refg);
}

void check_variant_bounds(const Variant& v, int64_t chrom_size, const std::string& text) {
  if (v.start < 0 || v.end > chrom_size)
    index_error("Variant string was invalid: ", text, ": position ", v.start + 1, " is outside ", v.chrom_name(),
                " (positions 1 to ", chrom_size, ")");
}

void check_variant_reference(const Variant& v, const std::string& found, const std::string& text) {
  if (found != v.ref)
    value_error("Variant string was invalid: ", text, ": reference allele '", v.ref, "' does not match the genome, ",
                "which has '", found, "' at ", v.chrom_name(), ":", v.start + 1, "-", v.end);
}

std::vector<Edit> chromosome_edits(const std::vector<Variant>& variants, ChromId chrom, RefgId refg, const char* what) {
  std::vector<Edit> edits;
  std::vector<const Variant*> source;
  for (const Variant& v : variants) {
    if (v.refg != refg)
      value_error(what, ": ", v.as_variant_string(), " is on ", v.refg_name(), ", the intervals on ",
                  assembly(refg).name());
    if (v.chrom != chrom) continue;
    Variant up = v;
    up.ref = normalize_allele(v.ref);
    up.alt = normalize_allele(v.alt);
    normalize_variant(up, edits);
    source.resize(edits.size(), &v);
  }
  std::vector<size_t> order(edits.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = k;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return edits[a].before(edits[b]); });
  std::vector<Edit> out;
  out.reserve(edits.size());
  for (size_t k = 0; k < order.size(); ++k) {
    const Edit& e = edits[order[k]];
    if (!out.empty() && out.back().conflicts_with(e))
      value_error(what, ": overlapping variants ", source[order[k - 1]]->as_variant_string(), " and ",
                  source[order[k]]->as_variant_string());
    out.push_back(e);
  }
  return out;
}

namespace {

/// Position in the variant sequence of reference gap g, counting from an
/// arbitrary origin: bases before g that survive plus insertions before g
/// (an insertion at g itself not included).
int64_t variant_gap(const std::vector<Edit>& edits, int64_t g) {
  int64_t v = g;
  for (const Edit& e : edits) {
    if (e.start >= g) break;
    if (e.is_insertion())
      v += static_cast<int64_t>(e.alt.size());
    else if (e.alt.empty())
      v -= std::min(g, e.end()) - e.start;
  }
  return v;
}

/// Length of the insertion at gap g (0 if none).
int64_t insertion_at(const std::vector<Edit>& edits, int64_t g) {
  for (const Edit& e : edits)
    if (e.start == g && e.is_insertion()) return static_cast<int64_t>(e.alt.size());
  return 0;
}

/// Variant-sequence position of the anchor point of `iv` (after
/// anchor_offset bases of an insertion at the anchor).
int64_t anchor_point(const std::vector<Edit>& edits, const Interval& iv) {
  int64_t k = std::clamp<int64_t>(iv.anchor_offset, 0, insertion_at(edits, iv.anchor));
  return variant_gap(edits, iv.anchor) + k;
}

/// [lo, hi) of the variant sequence `iv` stands for.
std::pair<int64_t, int64_t> variant_span(const std::vector<Edit>& edits, const Interval& iv) {
  if (!iv.has_anchor) return {variant_gap(edits, iv.start), variant_gap(edits, iv.end)};
  int64_t a = anchor_point(edits, iv);
  return {a - (iv.anchor - iv.start), a + (iv.end - iv.anchor)};
}

}  // namespace

Interval variant_spanning(const Interval& x, const Interval& y, const std::vector<Variant>& variants) {
  if (x.refg != y.refg)
    value_error("Both intervals must be on the same reference genome, got: ", x.refg_name(), ", ", y.refg_name());
  if (x.chrom != y.chrom)
    value_error("Both intervals must be on the same chromosome, got: ", x.chrom_name(), ", ", y.chrom_name());
  if (x.strand != y.strand) value_error("Both intervals must be on the same strand, got: ", x.strand, ", ", y.strand);
  for (const Interval* iv : {&x, &y})
    if (iv->has_anchor && (iv->anchor < iv->start || iv->anchor > iv->end))
      value_error("Outside anchors are unsupported: ", iv->describe());
  if (!x.has_anchor && !y.has_anchor) value_error("Variant.spanning: neither interval is anchored");
  std::vector<Edit> edits = chromosome_edits(variants, x.chrom, x.refg, "Variant.spanning");
  // The frame: the anchored interval with the leftmost (anchor, offset).
  bool frame_is_x = x.has_anchor && (!y.has_anchor || x.anchor < y.anchor ||
                                     (x.anchor == y.anchor && x.anchor_offset <= y.anchor_offset));
  const Interval& f = frame_is_x ? x : y;
  const Interval& o = frame_is_x ? y : x;
  // Frame coordinate of variant-sequence point p: f.anchor + (p - A).
  int64_t shift = f.anchor - anchor_point(edits, f);
  auto [lo, hi] = variant_span(edits, o);
  Interval r = f;
  r.start = std::min(f.start, lo + shift);
  r.end = std::max(f.end, hi + shift);
  return r;
}

}  // namespace gk
